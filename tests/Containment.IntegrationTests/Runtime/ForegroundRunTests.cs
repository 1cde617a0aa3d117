using System.Text.Json.Nodes;

namespace Containment.IntegrationTests.Runtime;

/// <summary>
/// A foreground <c>run</c> without startContainer hooks starts its process at once under its executor (no start FIFO):
/// the other commands still see and act on it by id, and it leaves nothing behind however it ends.
/// </summary>
public class ForegroundRunTests
{
    private RuntimeCli _cli = null!;

    [SetUp]
    public void SetUp() => _cli = new RuntimeCli();

    [TearDown]
    public void TearDown() => _cli.Dispose();

    [Test]
    public void A_foreground_run_is_running_by_id_and_killed_by_id_it_exits_137_and_leaves_nothing()
    {
        _cli.WriteConfig(["sleep", "60"], c => c["linux"]!["resources"]!["pids"] = new JsonObject { ["limit"] = 32 });
        using var run = _cli.Launch("run", "--bundle", _cli.Bundle, "fg1");
        JsonNode? state = null;
        for (var i = 0; i < 500 && (string?)state?["status"] != "running"; i++)
        {
            Thread.Sleep(20);
            var r = _cli.RunAs("state", "", "state", "fg1");
            state = r.ExitCode == 0 ? JsonNode.Parse(r.Stdout) : null;
        }
        Assert.That((string?)state?["status"], Is.EqualTo("running"), "state sees the foreground run's container");
        var pid = (int)state!["pid"]!;
        var cgroup = File.ReadAllLines($"/proc/{pid}/cgroup").Single(l => l.Contains(":pids:")).Split(':')[2];
        Assert.That(File.ReadAllText("/sys/fs/cgroup/pids" + cgroup + "/pids.max").Trim(), Is.EqualTo("32"));

        Assert.That(_cli.RunAs("kill", "", "kill", "fg1", "KILL").ExitCode, Is.Zero);
        Assert.That(run.WaitForExit(60_000), Is.True, "the run ends when its container is killed");
        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(137), "128 + SIGKILL, as a shell reports it");
            Assert.That(Directory.Exists(Path.Combine(_cli.Root, "fg1")), Is.False, "the run deleted its state");
            Assert.That(Directory.Exists("/sys/fs/cgroup/pids" + cgroup), Is.False, "and its cgroup");
            Assert.That(Directory.Exists($"/proc/{pid}"), Is.False, "and its process is reaped");
        });
    }

    [Test]
    public void A_foreground_run_deleted_by_force_from_outside_ends_without_an_error_of_its_own()
    {
        _cli.WriteConfig(["sleep", "60"]);
        using var run = _cli.Launch("run", "--bundle", _cli.Bundle, "fg2");
        for (var i = 0; i < 500 && _cli.RunAs("state", "", "state", "fg2").ExitCode != 0; i++)
            Thread.Sleep(20);

        Assert.That(_cli.RunAs("delete", "", "delete", "--force", "fg2").ExitCode, Is.Zero);
        Assert.That(run.WaitForExit(60_000), Is.True, "the run ends when its container is deleted");
        var result = _cli.ResultOf(run);
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(137), result.Stderr);
            Assert.That(result.Stderr, Does.Not.Contain("does not exist"), "the run does not fail on the state already gone");
            Assert.That(Directory.Exists(Path.Combine(_cli.Root, "fg2")), Is.False);
        });
    }
}
