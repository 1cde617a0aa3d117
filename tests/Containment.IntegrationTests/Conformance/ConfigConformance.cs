using System.Text.Json.Nodes;

namespace Containment.IntegrationTests.Conformance;

/// <summary>config.md: root, mounts, process, hostname, annotations.</summary>
public class ConfigConformance : ConformanceBundle
{
    // --- root

    [Test]
    public void Config_Root_Path_IsTheContainersRoot() =>
        Assert.That(Run("cat /etc/marker"), Is.EqualTo("inside-rootfs\n"));

    [Test]
    public void Config_Root_Readonly_MakesTheRootReadOnly() =>
        Assert.That(Run("touch /x 2>&1 || echo refused"), Does.Contain("Read-only file system").And.Contain("refused"));

    [Test]
    public void Config_Root_NotReadonly_IsWritable() =>
        Assert.That(Run("touch /x && echo written", c => c["root"]!["readonly"] = false), Is.EqualTo("written\n"));

    // --- mounts

    [Test]
    public void Config_Mounts_AreMountedInOrder()
    {
        // The second mount lands inside the first: only in order can both be seen.
        var output = Run("grep ' /tmp/a' /proc/self/mountinfo | awk '{print $5}'", c =>
        {
            c["mounts"]!.AsArray().Add(new JsonObject { ["destination"] = "/tmp/a", ["type"] = "tmpfs", ["source"] = "tmpfs" });
            c["mounts"]!.AsArray().Add(new JsonObject { ["destination"] = "/tmp/a/b", ["type"] = "tmpfs", ["source"] = "tmpfs" });
        });
        Assert.That(output, Is.EqualTo("/tmp/a\n/tmp/a/b\n"));
    }

    [Test]
    public void Config_Mounts_TypeAndOptions_AreApplied()
    {
        var output = Run("grep ' /tmp/t ' /proc/self/mountinfo", c => c["mounts"]!.AsArray().Add(new JsonObject
        {
            ["destination"] = "/tmp/t", ["type"] = "tmpfs", ["source"] = "tmpfs", ["options"] = Strings("nosuid", "nodev", "ro", "size=1024k", "mode=700"),
        }));
        Assert.That(output, Does.Contain(" tmpfs tmpfs ").And.Contain("size=1024k").And.Contain("mode=700"));
        Assert.That(output.Split(' ')[5], Does.StartWith("ro,").And.Contain("nosuid").And.Contain("nodev"), "per-mount flags");
    }

    [Test]
    public void Config_Mounts_Bind_ShowsTheSourceReadOnlyWhenAsked()
    {
        var source = Path.Combine(Cli.Bundle, "shared");
        Directory.CreateDirectory(source);
        File.WriteAllText(Path.Combine(source, "f"), "from-host\n");
        var output = Run("cat /mnt/f; touch /mnt/g 2>/dev/null || echo ro", c => c["mounts"]!.AsArray().Add(new JsonObject
        {
            ["destination"] = "/mnt", ["type"] = "bind", ["source"] = source, ["options"] = Strings("rbind", "ro"),
        }));
        Assert.That(output, Is.EqualTo("from-host\nro\n"));
    }

    [Test]
    public void Config_Mounts_DestinationMissing_IsCreated() =>
        Assert.That(Run("test -d /new/dir && echo made", c => c["mounts"]!.AsArray().Add(new JsonObject
        {
            ["destination"] = "/new/dir", ["type"] = "tmpfs", ["source"] = "tmpfs",
        })), Is.EqualTo("made\n"));

    // --- process

    [Test]
    public void Config_Process_Args_ArePassedExactly() =>
        Assert.That(Run("true", c => Process(c)["args"] = Strings("/bin/echo", "a b", "", "c")), Is.EqualTo("a b  c\n"));

    [Test]
    public void Config_Process_Env_IsSetInContainer() =>
        Assert.That(Run("echo $A-$B-${TERM:-unset}", c => Process(c)["env"] = Strings("A=1", "B=two words", "PATH=/bin")),
            Is.EqualTo("1-two words-unset\n"), "the listed variables, and no other (TERM of the default config is gone)");

    [Test]
    public void Config_Process_Cwd_IsTheWorkingDirectory() =>
        Assert.That(Run("pwd", c => Process(c)["cwd"] = "/etc"), Is.EqualTo("/etc\n"));

    [Test]
    public void Config_Process_User_UidGidAndAdditionalGids_AreSet() =>
        Assert.That(Run("id -u; id -g; id -G", c => Process(c)["user"] = new JsonObject
        {
            ["uid"] = 1000, ["gid"] = 1001, ["additionalGids"] = new JsonArray(5, 1002),
        }), Is.EqualTo("1000\n1001\n1001 5 1002\n"));

    [Test]
    public void Config_Process_User_Umask_IsSet() =>
        Assert.That(Run("umask", c => Process(c)["user"]!["umask"] = 23 /* 027 */), Is.EqualTo("0027\n"));

    [Test]
    public void Config_Process_Capabilities_FiveSetsAreAsListed()
    {
        // As uid 1000 (no root rule at exec): CAP_CHOWN = bit 0, CAP_KILL = 5, CAP_NET_RAW = 13. After exec the permitted
        // and effective sets are the ambient one, which needs CHOWN permitted and inheritable before.
        var output = Run("grep ^Cap /proc/self/status", c =>
        {
            Process(c)["user"] = new JsonObject { ["uid"] = 1000, ["gid"] = 1000 };
            Process(c)["capabilities"] = new JsonObject
            {
                ["bounding"] = Strings("CAP_KILL", "CAP_CHOWN", "CAP_NET_RAW"), ["permitted"] = Strings("CAP_KILL", "CAP_CHOWN"),
                ["effective"] = Strings("CAP_KILL"), ["inheritable"] = Strings("CAP_CHOWN"), ["ambient"] = Strings("CAP_CHOWN"),
            };
        });
        Assert.That(output, Does.Contain("CapInh:\t0000000000000001").And.Contain("CapBnd:\t0000000000002021")
            .And.Contain("CapAmb:\t0000000000000001").And.Contain("CapPrm:\t0000000000000001").And.Contain("CapEff:\t0000000000000001"));
    }

    [Test]
    public void Config_Process_Capabilities_AbsentSetsAreEmpty() =>
        Assert.That(Run("grep ^Cap /proc/self/status", c => Process(c)["capabilities"] = new JsonObject { ["bounding"] = Strings("CAP_KILL") }),
            Does.Contain("CapBnd:\t0000000000000020").And.Contain("CapPrm:\t0000000000000000").And.Contain("CapEff:\t0000000000000000"));

    [Test]
    public void Config_Process_Rlimits_AreSet() =>
        Assert.That(Run("grep 'open files' /proc/self/limits", c => Process(c)["rlimits"] = new JsonArray(
            new JsonObject { ["type"] = "RLIMIT_NOFILE", ["soft"] = 123, ["hard"] = 456 })), Does.Match(@"Max open files\s+123\s+456"));

    [Test]
    public void Config_Process_Rlimits_DuplicatedType_IsAnError()
    {
        Config("true", c => Process(c)["rlimits"] = new JsonArray(
            new JsonObject { ["type"] = "RLIMIT_NOFILE", ["soft"] = 100, ["hard"] = 200 },
            new JsonObject { ["type"] = "RLIMIT_NOFILE", ["soft"] = 300, ["hard"] = 400 }));
        AssertRunRefused("duplimit", "RLIMIT_NOFILE");
    }

    [Test]
    public void Config_Process_NoNewPrivileges_IsSet()
    {
        Assert.That(Run("grep NoNewPrivs /proc/self/status"), Is.EqualTo("NoNewPrivs:\t1\n"));
        Assert.That(Run("grep NoNewPrivs /proc/self/status", c => Process(c)["noNewPrivileges"] = false), Is.EqualTo("NoNewPrivs:\t0\n"));
    }

    [Test]
    public void Config_Process_OomScoreAdj_IsSet() =>
        Assert.That(Run("cat /proc/self/oom_score_adj", c => Process(c)["oomScoreAdj"] = 500), Is.EqualTo("500\n"));

    [Test]
    public void Config_Process_Terminal_GivesAPseudoTerminal()
    {
        Config("tty; exit 3", c => Process(c)["terminal"] = true);
        var r = Cli.Run("run", "--bundle", Cli.Bundle, "term");
        Assert.That(r.ExitCode, Is.EqualTo(3), r.Stderr);
        Assert.That(r.Stdout, Does.Contain("/dev/pts/0"));
    }

    // --- hostname, domainname, annotations

    [Test]
    public void Config_Hostname_IsSet() =>
        Assert.That(Run("hostname", c => c["hostname"] = "conformance"), Is.EqualTo("conformance\n"));

    [Test]
    public void Config_Domainname_IsSet() =>
        Assert.That(Run("cat /proc/sys/kernel/domainname", c => c["domainname"] = "example.org"), Is.EqualTo("example.org\n"));

    [Test]
    public void Config_Annotations_AreInTheState()
    {
        RunDetached("an", c => c["annotations"] = new JsonObject { ["a"] = "1", ["b.c/d"] = "two" });
        Assert.That(State("an")["annotations"]!.ToJsonString(), Is.EqualTo("""{"a":"1","b.c/d":"two"}"""));
    }
}
