using System.Text.Json.Nodes;

namespace Containment.IntegrationTests.Runtime;

/// <summary>The org.containment.landlock annotation through the runtime: create, start (the start FIFO is opened before
/// the rules apply), and the container's process confined by them.</summary>
public class LandlockAnnotationCliTests
{
    private RuntimeCli _cli = null!;

    [SetUp]
    public void SetUp() => _cli = new RuntimeCli();

    [TearDown]
    public void TearDown() => _cli.Dispose();

    [Test]
    public void A_created_and_started_container_runs_under_the_annotations_rules()
    {
        Landlock.LandlockTests.RequireLandlock();
        var result = Path.Combine(_cli.Bundle, "rootfs/tmp/result");
        _cli.WriteConfig(["sh", "-c", "{ echo written > /tmp/f && cat /tmp/f; ls / >/dev/null || echo root-denied; } > /tmp/result 2>&1; touch /tmp/done"],
            c => c["annotations"] = new JsonObject { ["org.containment.landlock"] = """{"execute":["/bin"],"readWrite":["/tmp","/dev/null"]}""" });
        Assert.That(_cli.Run("create", "--bundle", _cli.Bundle, "l1").ExitCode, Is.Zero);
        var start = _cli.Run("start", "l1");
        Assert.That(start.ExitCode, Is.Zero, start.Stderr);
        var done = Path.Combine(_cli.Bundle, "rootfs/tmp/done");
        for (var i = 0; i < 500 && !File.Exists(done); i++)
            Thread.Sleep(10);
        Assert.That(File.ReadAllText(result), Does.StartWith("written\n").And.Contain("Permission denied").And.EndWith("root-denied\n"));
        _cli.Run("delete", "--force", "l1");
    }

    [Test]
    public void A_malformed_annotation_fails_create_naming_it()
    {
        _cli.WriteConfig(["true"], c => c["annotations"] = new JsonObject { ["org.containment.landlock"] = """{"readonly":["/"]}""" });
        var r = _cli.Run("create", "--bundle", _cli.Bundle, "l2");
        Assert.That(r.ExitCode, Is.Not.Zero);
        Assert.That(r.Stderr, Does.Contain("annotations.org.containment.landlock.readonly"));
    }
}
