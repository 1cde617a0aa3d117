using System.Text.Json.Nodes;

namespace Containment.IntegrationTests.Runtime;

/// <summary>
/// The golden configs of other tools (tests/Containment.Tests/Oci/Data/wild) run by the CLI where this host allows:
/// what names this machine cannot have (the pod's netns, the image's store, a systemd slice) is pointed at the test
/// bundle; everything else is run as written. And the leniency of issue 13 #2, seen as a manager sees it.
/// </summary>
public class WildConfigCliTests
{
    private RuntimeCli _cli = null!;

    [SetUp]
    public void SetUp() => _cli = new RuntimeCli();

    [TearDown]
    public void TearDown() => _cli.Dispose();

    private static string Wild([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "../../Containment.Tests/Oci/Data/wild"));

    /// <summary>Writes the config, adapted to this machine, with <c>sh -c SCRIPT</c> as its process.</summary>
    private void WriteWild(string name, string script, Action<JsonObject>? change = null)
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(Wild(), name)))!.AsObject();
        config["root"]!["path"] = "rootfs";
        config["process"]!["args"] = new JsonArray("sh", "-c", script);
        foreach (var ns in config["linux"]!["namespaces"]!.AsArray())
            ns!.AsObject().Remove("path"); // the pod's netns: a new one here
        foreach (var mount in config["mounts"]!.AsArray().Select(m => m!.AsObject()))
        {
            if ((string?)mount["type"] != "bind")
                continue;
            var source = Path.Combine(_cli.Bundle, "sources", ((string)mount["destination"]!).Trim('/').Replace('/', '_'));
            Directory.CreateDirectory(Path.GetDirectoryName(source)!);
            if ((string)mount["destination"]! == "/dev/shm")
                Directory.CreateDirectory(source);
            else
                File.WriteAllText(source, "");
            mount["source"] = source;
        }
        change?.Invoke(config);
        File.WriteAllText(Path.Combine(_cli.Bundle, "config.json"), config.ToJsonString());
    }

    [Test]
    [Ignore("Found by this test, open: the run fails with 'The executor did not acknowledge the cgroup directories of the launch' (nested /kubepods/... cgroupfs path on v1)")]
    public void Kubernetes_cri_sandbox_runs_with_a_cgroupfs_path()
    {
        const string parent = "/kubepods/besteffort/pod5e1c0d2a-8b7f-4c3e-9a61-2d4f0b7e8c11";
        WriteWild("cri-containerd.json", "cat /proc/sys/net/ipv4/ip_unprivileged_port_start; id -u; cat /proc/self/oom_score_adj; cat /proc/self/cgroup | grep pids", c =>
        {
            c["linux"]!["cgroupsPath"] = parent + "/3f2a9c";
            c["linux"]!.AsObject().Remove("seccomp"); // the pause container's profile allows the pause binary, not a shell
        });
        try
        {
            var r = _cli.Run("run", "--bundle", _cli.Bundle, "cri");
            Assert.That(r.ExitCode, Is.Zero, r.Stderr);
            Assert.That(r.Stdout, Does.StartWith("0\n65535\n-998\n"));
            Assert.That(r.Stdout, Does.Contain(":pids:" + parent + "/3f2a9c"));
        }
        finally
        {
            foreach (var hierarchy in Directory.GetDirectories("/sys/fs/cgroup"))
                for (var dir = hierarchy + parent; dir.Length > hierarchy.Length; dir = Path.GetDirectoryName(dir)!)
                    if (Directory.Exists(dir) && Directory.GetDirectories(dir).Length == 0)
                        Directory.Delete(dir);
        }
    }

    [TestCase("podman-ubuntu-apparmor.json")]
    [TestCase("podman-fedora-selinux.json")]
    [Ignore("Found by this test, open: setrlimit(RLIMIT_NOFILE=1048576) fails with EPERM on this host (above fs.nr_open or the caller's hard limit)")]
    public void Podman_configs_run_without_their_labels(string name)
    {
        // The labels need helper "ocirt"'s AppArmor/SELinux support and a host with the LSM; the rest runs as written,
        // but for the cgroup namespace, which Podman asks for on cgroup v2 only (this host is v1).
        WriteWild(name, "cat /etc/hostname >/dev/null && hostname && ulimit -n", c =>
        {
            c["process"]!.AsObject().Remove("apparmorProfile");
            c["process"]!.AsObject().Remove("selinuxLabel");
            c["linux"]!.AsObject().Remove("mountLabel");
            if (!File.Exists("/sys/fs/cgroup/cgroup.controllers"))
            {
                var namespaces = c["linux"]!["namespaces"]!.AsArray();
                namespaces.Remove(namespaces.Single(n => (string?)n!["type"] == "cgroup"));
            }
            c["linux"]!["cgroupsPath"] = "/containment-test-podman/" + name.Split('.')[0];
        });
        try
        {
            var r = _cli.Run("run", "--bundle", _cli.Bundle, "pod");
            Assert.That(r.ExitCode, Is.Zero, r.Stderr);
            Assert.That(r.Stdout, Is.EqualTo(((string)JsonNode.Parse(File.ReadAllText(Path.Combine(_cli.Bundle, "config.json")))!["hostname"]!) + "\n1048576\n"));
        }
        finally
        {
            foreach (var hierarchy in Directory.GetDirectories("/sys/fs/cgroup"))
                if (Directory.Exists(hierarchy + "/containment-test-podman") && Directory.GetDirectories(hierarchy + "/containment-test-podman").Length == 0)
                    Directory.Delete(hierarchy + "/containment-test-podman");
        }
    }

    [Test]
    public void Docker_with_an_old_seccomp_profile_and_kernel_memory_runs_and_warns()
    {
        WriteWild("docker-19.03-old-seccomp.json", "echo ran-under-the-old-profile", c => c["linux"]!["cgroupsPath"] = "/containment-test-docker/old");
        var log = Path.Combine(_cli.Bundle, "runtime.log");
        try
        {
            var r = _cli.Run("--log", log, "--log-format", "json", "run", "--bundle", _cli.Bundle, "old");
            Assert.That(r.Stderr, Does.Contain("warning: linux.resources.memory.kernel ignored: kernel memory limits were removed"));
            Assert.That(File.ReadAllText(log), Does.Contain("\"level\":\"warning\",\"msg\":\"linux.resources.memory.kernel ignored"));
            if (r.ExitCode != 0 && r.Stderr.Contains("close_range"))
                Assert.Ignore("issue 13 #1 (helper ocirt): the executor still calls close_range after the filter; this runs once that lands");
            Assert.That(r.ExitCode, Is.Zero, r.Stderr);
            Assert.That(r.Stdout, Is.EqualTo("ran-under-the-old-profile\n"));
        }
        finally
        {
            foreach (var hierarchy in Directory.GetDirectories("/sys/fs/cgroup"))
                if (Directory.Exists(hierarchy + "/containment-test-docker") && Directory.GetDirectories(hierarchy + "/containment-test-docker").Length == 0)
                    Directory.Delete(hierarchy + "/containment-test-docker");
        }
    }

    [Test]
    public void What_runc_ignores_is_ignored_with_a_warning_and_the_container_runs()
    {
        var data = Path.Combine(_cli.Bundle, "data");
        Directory.CreateDirectory(data);
        File.WriteAllText(Path.Combine(data, "f"), "bound\n");
        _cli.WriteConfig(["sh", "-c", "cat /data/f; cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || true"], c =>
        {
            var resources = c["linux"]!["resources"]!.AsObject();
            resources["memory"] = new JsonObject { ["limit"] = 64 << 20, ["kernel"] = 32 << 20, ["kernelTCP"] = 16 << 20 };
            resources["blockIO"] = new JsonObject { ["leafWeight"] = 300 };
            resources["network"] = new JsonObject { ["classID"] = 1048577, ["priorities"] = new JsonArray(new JsonObject { ["name"] = "lo", ["priority"] = 1 }) };
            c["mounts"]!.AsArray().Add(new JsonObject
            {
                ["destination"] = "/data", ["type"] = "bind", ["source"] = data, ["options"] = new JsonArray("rbind", "mode=755", "size=1k", "ro"),
            });
        });
        var r = _cli.Run("run", "--bundle", _cli.Bundle, "lenient");
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        Assert.That(r.Stdout, Does.StartWith("bound\n"));
        Assert.That(r.Stderr, Does.Contain("linux.resources.memory.kernel ignored").And.Contain("linux.resources.memory.kernelTCP ignored")
            .And.Contain("mounts[].options ignored").And.Contain("mode=755,size=1k"));
        var v1 = !File.Exists("/sys/fs/cgroup/cgroup.controllers");
        if (v1 && !File.Exists("/sys/fs/cgroup/blkio/blkio.leaf_weight"))
            Assert.That(r.Stderr, Does.Contain("linux.resources.blockIO.leafWeight ignored"));
        if (!Directory.Exists("/sys/fs/cgroup/net_cls"))
            Assert.That(r.Stderr, Does.Contain("linux.resources.network.classID ignored").And.Contain("linux.resources.network.priorities ignored"));
    }
}
