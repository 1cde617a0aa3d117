using System.Text.Json.Nodes;

namespace Containment.IntegrationTests.Conformance;

/// <summary>config-linux.md: namespaces, id mappings, devices, resources (cgroup v1 here), sysctl, masked and read-only
/// paths, seccomp, personality.</summary>
public class ConfigLinuxConformance : ConformanceBundle
{
    private static string HostNamespace(string kind) => new FileInfo($"/proc/self/ns/{kind}").LinkTarget!;

    private static void RemoveMounts(JsonObject config, string under)
    {
        var mounts = config["mounts"]!.AsArray();
        foreach (var m in mounts.Where(m => ((string?)m!["destination"])!.StartsWith(under, StringComparison.Ordinal)).ToList())
            mounts.Remove(m);
    }

    // --- namespaces

    [TestCase("pid", "pid")]
    [TestCase("network", "net")]
    [TestCase("mount", "mnt")]
    [TestCase("ipc", "ipc")]
    [TestCase("uts", "uts")]
    [TestCase("cgroup", "cgroup")]
    public void ConfigLinux_Namespaces_EachKind_IsNewWhenListedAndTheHostsWhenNot(string type, string file)
    {
        var inside = Run($"readlink /proc/self/ns/{file}", c =>
        {
            var namespaces = Linux(c)["namespaces"]!.AsArray();
            if (!namespaces.Any(n => (string?)n!["type"] == type))
                namespaces.Add(new JsonObject { ["type"] = type });
            if (type == "cgroup") // a v1 host's cgroup mount is a bind of the container's own directories, without one
                RemoveMounts(c, "/sys/fs/cgroup");
        }).Trim();
        Assert.That(inside, Is.Not.EqualTo(HostNamespace(file)), "listed: a new namespace");
        if (type is "mount" or "pid")
            return; // the config's own mounts (a fresh /proc) need these two
        var shared = Run($"readlink /proc/self/ns/{file}", c =>
        {
            var namespaces = Linux(c)["namespaces"]!.AsArray();
            foreach (var n in namespaces.Where(n => (string?)n!["type"] == type).ToList())
                namespaces.Remove(n);
            c.Remove("hostname");
        }).Trim();
        Assert.That(shared, Is.EqualTo(HostNamespace(file)), "not listed: the runtime's namespace");
    }

    [Test]
    public void ConfigLinux_Namespaces_Path_JoinsThatNamespace()
    {
        var pid = RunDetached("holder");
        var holderNet = new FileInfo($"/proc/{pid}/ns/net").LinkTarget;
        var joined = Run("readlink /proc/self/ns/net", c =>
        {
            var namespaces = Linux(c)["namespaces"]!.AsArray();
            foreach (var n in namespaces.Where(n => (string?)n!["type"] == "network").ToList())
                namespaces.Remove(n);
            namespaces.Add(new JsonObject { ["type"] = "network", ["path"] = $"/proc/{pid}/ns/net" });
        }).Trim();
        Assert.That(joined, Is.EqualTo(holderNet));
    }

    /// <summary>A namespace of the given kind held by <c>unshare</c> (it execs sleep in it); killed by the caller.</summary>
    private static System.Diagnostics.Process HoldNamespace(string unshareOption)
    {
        var holder = System.Diagnostics.Process.Start("unshare", $"{unshareOption} sleep 60")!;
        for (var i = 0; i < 500 && new FileInfo($"/proc/{holder.Id}/exe").LinkTarget?.EndsWith("/sleep") != true; i++)
            Thread.Sleep(10);
        return holder;
    }

    private static void JoinNamespace(JsonObject config, string type, string path)
    {
        var namespaces = Linux(config)["namespaces"]!.AsArray();
        foreach (var n in namespaces.Where(n => (string?)n!["type"] == type).ToList())
            namespaces.Remove(n);
        namespaces.Add(new JsonObject { ["type"] = type, ["path"] = path });
    }

    [Test]
    public void ConfigLinux_Namespaces_Path_OfAMountNamespace_IsJoinedAndTheRootSetUpThere()
    {
        // runc joins it and builds the container's root in it; it used to be refused (runtime-tools linux_ns_path).
        using var holder = HoldNamespace("--mount");
        try
        {
            var holderMnt = new FileInfo($"/proc/{holder.Id}/ns/mnt").LinkTarget;
            var output = Run($"readlink /proc/self/ns/mnt; test -d {Cli.Bundle} && echo host-root || echo own-root", c =>
                JoinNamespace(c, "mount", $"/proc/{holder.Id}/ns/mnt")).Split('\n');
            Assert.That(output[0], Is.EqualTo(holderMnt));
            Assert.That(output[1], Is.EqualTo("own-root"), "the container's root is its rootfs, not the namespace's old root");
        }
        finally
        {
            holder.Kill();
            holder.WaitForExit();
        }
    }

    [Test]
    public void ConfigLinux_Hostname_IsSetInAUtsNamespaceJoinedByPath()
    {
        // runc sets it in the joined namespace; it used to be refused as if no UTS namespace were there.
        using var holder = HoldNamespace("--uts");
        try
        {
            var hostBefore = Environment.MachineName;
            var output = Run("hostname", c =>
            {
                JoinNamespace(c, "uts", $"/proc/{holder.Id}/ns/uts");
                c["hostname"] = "joined-uts";
            });
            Assert.That(output, Is.EqualTo("joined-uts\n"));
            var inHolder = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("nsenter", $"-t {holder.Id} -u hostname")
                { RedirectStandardOutput = true })!;
            Assert.That(inHolder.StandardOutput.ReadToEnd(), Is.EqualTo("joined-uts\n"), "set in the joined namespace");
            inHolder.WaitForExit();
            Assert.That(Environment.MachineName, Is.EqualTo(hostBefore), "the host's name is untouched");
        }
        finally
        {
            holder.Kill();
            holder.WaitForExit();
        }
    }

    [Test]
    public void ConfigLinux_UidAndGidMappings_AreTheUserNamespacesMaps()
    {
        var output = Run("cat /proc/self/uid_map /proc/self/gid_map", c =>
        {
            Linux(c)["namespaces"]!.AsArray().Add(new JsonObject { ["type"] = "user" });
            Linux(c)["uidMappings"] = new JsonArray(new JsonObject { ["containerID"] = 0, ["hostID"] = 200000, ["size"] = 65536 });
            Linux(c)["gidMappings"] = new JsonArray(new JsonObject { ["containerID"] = 0, ["hostID"] = 300000, ["size"] = 65536 });
            // sysfs needs the network namespace's owner; the default config's /sys mount stays out of this test.
            RemoveMounts(c, "/sys");
        });
        Assert.That(output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))),
            Is.EqualTo(new[] { "0 200000 65536", "0 300000 65536" }));
    }

    // --- devices

    [Test]
    public void ConfigLinux_Devices_AreCreatedWithTypeNumbersModeAndOwner()
    {
        var output = Run("stat -c '%F %t:%T %a %u:%g' /dev/mynull; echo x > /dev/mynull && echo writable", c =>
        {
            Linux(c)["devices"] = new JsonArray(new JsonObject
            {
                ["path"] = "/dev/mynull", ["type"] = "c", ["major"] = 1, ["minor"] = 3, ["fileMode"] = 432 /* 0660 */, ["uid"] = 0, ["gid"] = 5,
            });
            Linux(c)["resources"]!["devices"]!.AsArray().Add(new JsonObject { ["allow"] = true, ["type"] = "c", ["major"] = 1, ["minor"] = 3, ["access"] = "rwm" });
        });
        Assert.That(output, Is.EqualTo("character special file 1:3 660 0:5\nwritable\n"));
    }

    [Test]
    public void ConfigLinux_Devices_ListedAreAvailableWithoutARule() =>
        // "devices ... MUST be available in the container": /dev/kmsg (1:11) is not among the standard devices; listed,
        // the container may open it (for writing only, which needs no CAP_SYSLOG).
        Assert.That(Run("(exec 3>/dev/mykmsg) 2>/dev/null && echo opened || echo denied", c =>
            Linux(c)["devices"] = new JsonArray(new JsonObject { ["path"] = "/dev/mykmsg", ["type"] = "c", ["major"] = 1, ["minor"] = 11 })),
            Is.EqualTo("opened\n"));

    [Test]
    public void ConfigLinux_Resources_Devices_DenyRulesAreEnforced() =>
        // A rule denying a standard device (urandom, 1:9) by number: the node is there, the cgroup refuses opening it.
        Assert.That(Run("for d in urandom zero; do (exec 3</dev/$d) 2>/dev/null && echo $d opened || echo $d denied; done", c =>
            Linux(c)["resources"]!["devices"]!.AsArray().Add(new JsonObject { ["allow"] = false, ["type"] = "c", ["major"] = 1, ["minor"] = 9, ["access"] = "rwm" })),
            Is.EqualTo("urandom denied\nzero opened\n"));

    [Test]
    public void ConfigLinux_DefaultDevices_AreProvided() =>
        Assert.That(Run("for d in null zero full random urandom tty; do test -c /dev/$d && echo $d; done; test -e /dev/ptmx && echo ptmx"),
            Is.EqualTo("null\nzero\nfull\nrandom\nurandom\ntty\nptmx\n"));

    // --- resources (cgroup v1 here: read through the container's own cgroup mount)

    [Test]
    public void ConfigLinux_Resources_MemoryPidsCpu_AreWrittenToTheCgroup()
    {
        var output = Run("cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/cpu/cpu.shares "
                         + "/sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us /sys/fs/cgroup/cpuset/cpuset.cpus", c =>
        {
            var resources = Linux(c)["resources"]!.AsObject();
            resources["memory"] = new JsonObject { ["limit"] = 64 << 20 };
            resources["pids"] = new JsonObject { ["limit"] = 42 };
            resources["cpu"] = new JsonObject { ["shares"] = 512, ["quota"] = 50000, ["period"] = 100000, ["cpus"] = "0" };
        });
        Assert.That(output, Is.EqualTo($"{64 << 20}\n42\n512\n50000\n100000\n0\n"));
    }

    [Test]
    public void ConfigLinux_Resources_DisableOomKiller_TurnsTheCgroupsOomKillerOff()
    {
        // runtime-tools' linux_cgroups_memory sets it on every case; it used to be refused, so no such container started.
        var output = Run("grep oom_kill_disable /sys/fs/cgroup/memory/memory.oom_control", c =>
            Linux(c)["resources"]!["memory"] = new JsonObject { ["limit"] = 64 << 20, ["disableOOMKiller"] = true });
        Assert.That(output, Is.EqualTo("oom_kill_disable 1\n"));
    }

    [Test]
    public void ConfigLinux_Resources_PidsLimit_IsEnforced()
    {
        Config("for i in 1 2 3 4 5 6 7 8; do sleep 1 & done 2>&1; wait", c => Linux(c)["resources"]!["pids"] = new JsonObject { ["limit"] = 4 });
        var r = Cli.Run("run", "--bundle", Cli.Bundle, "pids");
        Assert.That(r.Stdout + r.Stderr, Does.Contain("can't fork"), "the fifth process is refused");
    }

    [Test]
    public void ConfigLinux_CgroupsPath_IsTheContainersCgroup()
    {
        var pid = RunDetached("cg", c => Linux(c)["cgroupsPath"] = "/containment-test-conformance/cg");
        Assert.That(File.ReadAllLines($"/proc/{pid}/cgroup").Single(l => l.Contains(":pids:")), Does.EndWith(":/containment-test-conformance/cg"));
        Assert.That(Cli.Run("delete", "--force", "cg").ExitCode, Is.Zero);
        if (Directory.Exists("/sys/fs/cgroup/pids/containment-test-conformance"))
            Directory.Delete("/sys/fs/cgroup/pids/containment-test-conformance");
        foreach (var controller in new[] { "memory", "cpu", "cpuset", "devices", "freezer", "blkio", "cpuacct", "systemd", "unified" })
            if (Directory.Exists($"/sys/fs/cgroup/{controller}/containment-test-conformance"))
                Directory.Delete($"/sys/fs/cgroup/{controller}/containment-test-conformance");
    }

    // --- sysctl, masked and read-only paths

    [Test]
    public void ConfigLinux_Sysctl_IsSetInTheContainersNamespaces() =>
        Assert.That(Run("cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmni", c =>
        {
            Linux(c)["sysctl"] = new JsonObject { ["net.ipv4.ip_forward"] = "1", ["kernel.shmmni"] = "1234" };
            Linux(c)["readonlyPaths"] = new JsonArray(); // /proc/sys is read-only by default, after the sysctls are written
        }), Is.EqualTo("1\n1234\n"));

    [Test]
    public void ConfigLinux_MaskedPaths_AreHidden() =>
        Assert.That(Run("(cat /proc/kcore 2>/dev/null; true) | wc -c; ls -A /sys/firmware 2>/dev/null | wc -l"), Is.EqualTo("0\n0\n"),
            "a masked file reads nothing, a masked directory is empty");

    [Test]
    public void ConfigLinux_ReadonlyPaths_AreReadOnly() =>
        Assert.That(Run("echo 1 > /proc/sys/kernel/domainname 2>&1 || echo refused; cat /proc/sys/kernel/ostype"),
            Does.Contain("refused").And.Contain("Linux"));

    // --- seccomp, personality

    [Test]
    public void ConfigLinux_Seccomp_RulesAreEnforced()
    {
        var output = Run("mkdir /tmp/x 2>&1 || echo refused; echo still-running", c =>
        {
            c["root"]!["readonly"] = false;
            Linux(c)["seccomp"] = JsonNode.Parse("""
                {"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64"],
                 "syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]}
                """);
        });
        Assert.That(output, Does.Contain("Operation not permitted").And.Contain("refused").And.Contain("still-running"));
    }

    [Test]
    public void ConfigLinux_Personality_Linux32_IsSet() =>
        Assert.That(Run("uname -m", c => Linux(c)["personality"] = new JsonObject { ["domain"] = "LINUX32" }), Is.EqualTo("i686\n"));

    // --- MUSTs of config-linux.md that a runtime refuses

    [Test]
    public void ConfigLinux_Namespaces_DuplicatedType_IsAnError()
    {
        Config("true", c => Linux(c)["namespaces"]!.AsArray().Add(new JsonObject { ["type"] = "uts" }));
        AssertRunRefused("dup", "uts");
    }

    [Test]
    public void ConfigLinux_Namespaces_PathOfAnotherType_IsAnError()
    {
        Config("true", c =>
        {
            var namespaces = Linux(c)["namespaces"]!.AsArray();
            foreach (var n in namespaces.Where(n => (string?)n!["type"] == "network").ToList())
                namespaces.Remove(n);
            namespaces.Add(new JsonObject { ["type"] = "network", ["path"] = "/proc/self/ns/uts" });
        });
        AssertRunRefused("wrongns", "/proc/self/ns/uts");
    }

    [Test]
    public void ConfigLinux_RootfsPropagation_Slave_MakesTheRootASlaveOfTheHosts()
    {
        // A slave needs a shared master: the bundle's rootfs is made a shared mount of its own for the test.
        var rootfs = Path.Combine(Cli.Bundle, "rootfs");
        Assert.That(Host("mount", "--bind", rootfs, rootfs), Is.Zero);
        try
        {
            Assert.That(Host("mount", "--make-shared", rootfs), Is.Zero);
            var root = Run("awk '$5 == \"/\"' /proc/self/mountinfo", c => Linux(c)["rootfsPropagation"] = "slave");
            Assert.That(root, Does.Contain(" master:").And.Not.Contain(" shared:"));
        }
        finally
        {
            Host("umount", "-l", rootfs);
        }
    }

    private static int Host(string file, params string[] args)
    {
        using var p = System.Diagnostics.Process.Start(file, args);
        p.WaitForExit();
        return p.ExitCode;
    }

    [Test]
    public void ConfigLinux_RootfsPropagation_Shared_MakesTheRootAPeer()
    {
        // The optional fields of the root's mountinfo line (mount point "/"): shared:N, or none (private).
        var root = Run("awk '$5 == \"/\"' /proc/self/mountinfo", c => Linux(c)["rootfsPropagation"] = "shared");
        Assert.That(root, Does.Contain(" shared:"));
        Assert.That(Run("awk '$5 == \"/\"' /proc/self/mountinfo", c => Linux(c)["rootfsPropagation"] = "private"), Does.Not.Contain("shared:"));
    }
}
