using System.Text.Json.Nodes;

namespace Containment.IntegrationTests.Conformance;

/// <summary>config.md "POSIX-platform Hooks" and runtime.md "Lifecycle": when hooks run, what they get, how failures count.</summary>
public class HooksConformance : ConformanceBundle
{
    private string HostFile(string name) => Path.Combine(Cli.Bundle, name);

    [Test]
    public void Hooks_State_IsTheWholeStateDocumentOnStdin_ThenEndOfFile()
    {
        // cat ends only at EOF: a runtime that kept stdin open would time the hook out.
        var copy = HostFile("state-on-stdin.json");
        Config("exec sleep 60", c => c["hooks"] = new JsonObject
        {
            ["prestart"] = new JsonArray(Hook($"cat > {copy}")),
        });
        Assert.That(Cli.Run("create", "--bundle", Cli.Bundle, "h1").ExitCode, Is.Zero);
        var state = JsonNode.Parse(File.ReadAllText(copy))!.AsObject();
        Assert.Multiple(() =>
        {
            Assert.That((string?)state["id"], Is.EqualTo("h1"));
            Assert.That((string?)state["status"], Is.EqualTo("creating"));
            Assert.That((int)state["pid"]!, Is.EqualTo(Pid("h1")));
            Assert.That((string?)state["bundle"], Is.EqualTo(Cli.Bundle));
            Assert.That((string?)state["ociVersion"], Is.Not.Empty);
        });
    }

    [Test]
    public void Hooks_Poststart_ReadsTheStartedState_RunningWithItsPid_EvenIfTheProcessHasAlreadyEnded()
    {
        // runtime-tools' hooks_stdin: the container's process is `true`, gone before the hook reads its stdin.
        var copy = HostFile("poststart-state.json");
        Config("true", c => c["hooks"] = new JsonObject { ["poststart"] = new JsonArray(Hook($"cat > {copy}")) });
        Assert.That(Cli.Run("create", "--bundle", Cli.Bundle, "h8").ExitCode, Is.Zero);
        var pid = Pid("h8");
        var r = Cli.Run("start", "h8");
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        var state = JsonNode.Parse(File.ReadAllText(copy))!.AsObject();
        Assert.Multiple(() =>
        {
            Assert.That((string?)state["id"], Is.EqualTo("h8"));
            Assert.That((string?)state["status"], Is.EqualTo("running"));
            Assert.That((int)state["pid"]!, Is.EqualTo(pid));
        });
    }

    [Test]
    public void Hooks_ArgsAndEnv_AreAsConfigured()
    {
        var log = HostFile("hook-args");
        Config("true", c => c["hooks"] = new JsonObject
        {
            ["poststop"] = new JsonArray(new JsonObject
            {
                ["path"] = "/bin/sh", ["args"] = Strings("sh", "-c", $"echo \"$1 $HOOK_VAR ${{HOME:-no-home}}\" > {log}", "sh", "first"),
                ["env"] = Strings("HOOK_VAR=from-config"),
            }),
        });
        Assert.That(Cli.Run("run", "--bundle", Cli.Bundle, "h2").ExitCode, Is.Zero);
        Assert.That(File.ReadAllText(log), Is.EqualTo("first from-config no-home\n"), "args after args[0]; env is the hook's whole environment");
    }

    [TestCase("poststop")]
    [TestCase("prestart")]
    [TestCase("createContainer")]
    [TestCase("startContainer")]
    public void Hooks_Args0_IsTheHooksArgv0(string stage)
    {
        // busybox runs the applet its argv[0] names: "sh" from args[0] runs the shell, while the path as argv[0] would not.
        // A startContainer hook runs in the container's root: it writes to the container's /tmp, which the program prints;
        // the others see the host's files (createContainer through the container's mounts, before pivot_root).
        var inRoot = stage == "startContainer";
        var log = inRoot ? "/tmp/hook-argv0" : HostFile("hook-argv0");
        Config(inRoot ? $"cat {log}" : "true", c =>
        {
            c["root"]!["readonly"] = false;
            c["hooks"] = new JsonObject
            {
                [stage] = new JsonArray(new JsonObject { ["path"] = "/bin/busybox", ["args"] = Strings("sh", "-c", $"echo $0 > {log}") }),
            };
        });
        var r = Cli.Run("run", "--bundle", Cli.Bundle, "h0");
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        Assert.That(inRoot ? r.Stdout : File.ReadAllText(log), Is.EqualTo("sh\n"));
    }

    [Test]
    public void Hooks_OfOneStage_RunInOrder()
    {
        var log = HostFile("order");
        Config("true", c => c["hooks"] = new JsonObject
        {
            ["prestart"] = new JsonArray(Hook($"echo 1 >> {log}"), Hook($"echo 2 >> {log}"), Hook($"echo 3 >> {log}")),
        });
        Assert.That(Cli.Run("run", "--bundle", Cli.Bundle, "h3").ExitCode, Is.Zero);
        Assert.That(File.ReadAllText(log), Is.EqualTo("1\n2\n3\n"));
    }

    [Test]
    public void Hooks_Prestart_Failure_FailsCreateAndStopsTheContainer()
    {
        var after = HostFile("after");
        Config("exec sleep 60", c => c["hooks"] = new JsonObject
        {
            ["prestart"] = new JsonArray(Hook("exit 1"), Hook($"touch {after}")),
        });
        var r = Cli.Run("create", "--bundle", Cli.Bundle, "h4");
        Assert.That(r.ExitCode, Is.Not.Zero);
        Assert.That(File.Exists(after), Is.False, "the hooks after a failing one do not run");
        Assert.That(Cli.Run("state", "h4").ExitCode, Is.Not.Zero, "no container is left");
    }

    [TestCase("poststart")]
    [TestCase("poststop")]
    public void Hooks_PoststartOrPoststop_Failure_IsAWarningAndTheRestGoOn(string stage)
    {
        var after = HostFile("after");
        Config("sleep 0.3", c => c["hooks"] = new JsonObject
        {
            [stage] = new JsonArray(Hook("echo broken >&2; exit 1"), Hook($"touch {after}")),
        });
        var r = Cli.Run("run", "--bundle", Cli.Bundle, "h5");
        Assert.That(r.ExitCode, Is.Zero, "the lifecycle continues as if the hook had succeeded: " + r.Stderr);
        Assert.That(r.Stderr, Does.Contain($"warning: {stage} hook 0"));
        Assert.That(File.Exists(after), Is.True, "the remaining hooks run");
        Assert.That(Cli.Run("state", "h5").ExitCode, Is.Not.Zero, "run went on to delete the container");
    }

    [Test]
    public void Hooks_Timeout_FailsTheHookAndCreate()
    {
        Config("true", c => c["hooks"] = new JsonObject
        {
            ["createRuntime"] = new JsonArray(new JsonObject { ["path"] = "/bin/sleep", ["args"] = Strings("sleep", "30"), ["timeout"] = 1 }),
        });
        var r = Cli.Run("create", "--bundle", Cli.Bundle, "h6");
        Assert.That(r.ExitCode, Is.Not.Zero);
        Assert.That(r.Stderr, Does.Contain("timed out"));
        Assert.That(Cli.Run("state", "h6").ExitCode, Is.Not.Zero);
    }

    [Test]
    public void Hooks_StartContainer_RunsInTheContainerBeforeTheProgram()
    {
        Config("cat /tmp/hook-was-here", c =>
        {
            c["root"]!["readonly"] = false;
            c["hooks"] = new JsonObject { ["startContainer"] = new JsonArray(Hook("hostname > /tmp/hook-was-here")) };
            c["hostname"] = "inside";
        });
        var r = Cli.Run("run", "--bundle", Cli.Bundle, "h7");
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        Assert.That(r.Stdout, Is.EqualTo("inside\n"));
    }
}
