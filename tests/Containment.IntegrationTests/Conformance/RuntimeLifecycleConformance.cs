using System.Text.Json.Nodes;

namespace Containment.IntegrationTests.Conformance;

/// <summary>runtime.md: state, lifecycle and operations, one test per requirement a caller can check.</summary>
public class RuntimeLifecycleConformance : ConformanceBundle
{
    [Test]
    public void State_Fields_AreOciVersionIdStatusPidBundleAndAnnotations()
    {
        Config("exec sleep 60", c => c["annotations"] = new JsonObject { ["org.example.key"] = "value" });
        Assert.That(Cli.Run("create", "--bundle", Cli.Bundle, "s1").ExitCode, Is.Zero);
        var state = State("s1");
        Assert.Multiple(() =>
        {
            Assert.That((string?)state["ociVersion"], Does.Match(@"^1\.\d+\.\d+"));
            Assert.That((string?)state["id"], Is.EqualTo("s1"));
            Assert.That((string?)state["status"], Is.EqualTo("created"));
            Assert.That((int)state["pid"]!, Is.GreaterThan(0), "pid is REQUIRED when created or running");
            Assert.That(Directory.Exists($"/proc/{(int)state["pid"]!}"), Is.True, "the pid is the container process, as seen by the host");
            Assert.That((string?)state["bundle"], Is.EqualTo(Cli.Bundle), "bundle is the absolute path");
            Assert.That((string?)state["annotations"]?["org.example.key"], Is.EqualTo("value"));
        });
    }

    [Test]
    public void State_Status_IsCreatedThenRunningThenStopped()
    {
        var marker = Path.Combine(Cli.Bundle, "rootfs/tmp/ran");
        Config("touch /tmp/ran; exec sleep 60", c => c["root"]!["readonly"] = false);
        Assert.That(Cli.Run("create", "--bundle", Cli.Bundle, "s2").ExitCode, Is.Zero);
        Assert.That(Cli.Status("s2"), Is.EqualTo("created"));
        Assert.That(File.Exists(marker), Is.False, "create MUST NOT run the user-specified program");
        Assert.That(Cli.Run("start", "s2").ExitCode, Is.Zero);
        Assert.That(Cli.Status("s2"), Is.EqualTo("running"));
        Assert.That(Cli.Run("kill", "s2", "KILL").ExitCode, Is.Zero);
        WaitForStatus("s2", "stopped");
        Assert.That(File.Exists(marker), Is.True);
    }

    [TestCase("state")]
    [TestCase("start")]
    [TestCase("kill")]
    [TestCase("delete")]
    public void Operation_OnAMissingId_Fails(string operation)
    {
        var r = Cli.Run(operation, "no-such-container");
        Assert.That(r.ExitCode, Is.Not.Zero);
        Assert.That(r.Stderr, Does.Contain("does not exist"));
    }

    [Test]
    public void Create_WithAnIdInUse_FailsAndLeavesTheFirst()
    {
        var pid = RunDetached("dup");
        var r = Cli.Run("create", "--bundle", Cli.Bundle, "dup");
        Assert.That(r.ExitCode, Is.Not.Zero);
        Assert.That(Pid("dup"), Is.EqualTo(pid));
        Assert.That(Cli.Status("dup"), Is.EqualTo("running"));
    }

    [Test]
    public void Create_WithAConfigItCannotHonour_FailsAndCreatesNothing()
    {
        Config("true", c => Process(c)["ioPriority"] = new JsonObject { ["class"] = "IOPRIO_CLASS_IDLE", ["priority"] = 7 });
        var r = Cli.Run("create", "--bundle", Cli.Bundle, "bad");
        Assert.That(r.ExitCode, Is.Not.Zero);
        Assert.That(Cli.Run("state", "bad").ExitCode, Is.Not.Zero);
    }

    [Test]
    public void Create_WithAProgramThatDoesNotExist_FailsNamingItAndCreatesNothing()
    {
        // runc's behaviour, which containerd's CRI plugin turns into StartError naming the path: after `start` the
        // error would reach no one (Containment.CriTests found it). With a PATH search, every candidate is missing.
        foreach (var program in new[] { "/no/such/binary", "nosuchprogram" })
        {
            Config("true", c => Process(c)["args"] = new JsonArray(program));
            var r = Cli.Run("create", "--bundle", Cli.Bundle, "missing");
            Assert.That(r.ExitCode, Is.Not.Zero);
            Assert.That(r.Stderr, Does.Contain($"execve({program}): ENOENT"));
            Assert.That(Cli.Run("state", "missing").ExitCode, Is.Not.Zero);
        }
    }

    [Test]
    public void Start_OfAContainerNotCreated_Fails()
    {
        RunDetached("st");
        var r = Cli.Run("start", "st");
        Assert.That(r.ExitCode, Is.Not.Zero);
        Assert.That(Cli.Status("st"), Is.EqualTo("running"));
    }

    [Test]
    public void Delete_OfARunningContainer_FailsAndHasNoEffectOnIt()
    {
        var pid = RunDetached("d1");
        var r = Cli.Run("delete", "d1");
        Assert.That(r.ExitCode, Is.Not.Zero);
        Assert.That(Cli.Status("d1"), Is.EqualTo("running"));
        Assert.That(Pid("d1"), Is.EqualTo(pid));
        Assert.That(File.ReadAllText($"/proc/{pid}/stat"), Does.Not.Contain(") Z "), "the process still runs");
    }

    [Test]
    public void Delete_OfAStoppedContainer_RemovesItsResources()
    {
        var pid = RunDetached("d2");
        var cgroup = File.ReadAllLines($"/proc/{pid}/cgroup").Single(l => l.Contains(":pids:")).Split(':')[2];
        Assert.That(Cli.Run("kill", "d2", "KILL").ExitCode, Is.Zero);
        WaitForStatus("d2", "stopped");
        Assert.That(Cli.Run("delete", "d2").ExitCode, Is.Zero);
        Assert.That(Cli.Run("state", "d2").ExitCode, Is.Not.Zero, "the id no longer exists");
        Assert.That(Directory.Exists("/sys/fs/cgroup/pids" + cgroup), Is.False);
    }

    [Test]
    public void Kill_OfAStoppedContainer_FailsAndHasNoEffect()
    {
        RunDetached("k0", script: "exit 0");
        WaitForStatus("k0", "stopped");
        Assert.That(Cli.Run("kill", "k0", "TERM").ExitCode, Is.Not.Zero);
        Assert.That(Cli.Status("k0"), Is.EqualTo("stopped"));
    }

    [TestCase("USR1")]
    [TestCase("SIGUSR1")]
    [TestCase("sigusr1")]
    [TestCase("10")]
    public void Kill_DeliversTheNamedSignal(string signal)
    {
        var log = Path.Combine(Cli.Bundle, "rootfs/tmp/signals");
        RunDetached("k1", c => c["root"]!["readonly"] = false,
            "trap 'echo USR1 >> /tmp/signals' USR1; trap 'echo TERM >> /tmp/signals; exit 0' TERM; touch /tmp/ready; while :; do sleep 0.05; done");
        for (var i = 0; i < 500 && !File.Exists(Path.Combine(Cli.Bundle, "rootfs/tmp/ready")); i++)
            Thread.Sleep(10);
        Assert.That(Cli.Run("kill", "k1", signal).ExitCode, Is.Zero);
        for (var i = 0; i < 500 && !File.Exists(log); i++)
            Thread.Sleep(10);
        Assert.That(File.ReadAllText(log), Is.EqualTo("USR1\n"));
        Assert.That(Cli.Status("k1"), Is.EqualTo("running"));
    }

    [Test]
    public void PidFile_IsWrittenBeforeCreateReturns()
    {
        Config("exec sleep 60");
        var pidFile = Path.Combine(Cli.Bundle, "container.pid");
        Assert.That(Cli.Run("create", "--bundle", Cli.Bundle, "--pid-file", pidFile, "pf").ExitCode, Is.Zero);
        Assert.That(File.ReadAllText(pidFile), Is.EqualTo(Pid("pf").ToString()));
    }
}
