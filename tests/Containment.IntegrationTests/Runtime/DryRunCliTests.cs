namespace Containment.IntegrationTests.Runtime;

/// <summary>`create --dry-run` and `run --dry-run` print the launch's steps and create nothing: no state, no cgroup, no process.</summary>
public class DryRunCliTests
{
    private RuntimeCli _cli = null!;

    [SetUp]
    public void SetUp() => _cli = new RuntimeCli();

    [TearDown]
    public void TearDown() => _cli.Dispose();

    [TestCase("create")]
    [TestCase("run")]
    public void A_dry_run_prints_the_steps_and_creates_nothing(string command)
    {
        var marker = Path.Combine(_cli.Bundle, "rootfs/ran");
        _cli.WriteConfig(["touch", "/ran"]);
        var id = "dry-" + command;
        var r = _cli.Run(command, "--dry-run", "--bundle", _cli.Bundle, id);
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Some.StartsWith("host    mkdir(").And.Some.StartsWith("monitor clone3(CLONE_NEWNS|")
            .And.Some.StartsWith("child   pivot_root("));
        Assert.That(lines[^1], Does.StartWith("child   execve("));
        if (command == "create")
            Assert.That(lines, Has.Some.Matches<string>(l => l.StartsWith("child   open(", StringComparison.Ordinal) && l.EndsWith("/exec.fifo)", StringComparison.Ordinal)));
        var cgroups = lines.Where(l => l.StartsWith("host    mkdir(", StringComparison.Ordinal)).Select(l => l[14..^1]).ToList();
        Assert.That(cgroups, Has.None.Matches<string>(Directory.Exists));
        Assert.That(Directory.Exists(Path.Combine(_cli.Root, id)), Is.False);
        Assert.That(File.Exists(marker), Is.False);
        Assert.That(_cli.Run("state", id).ExitCode, Is.Not.Zero);
    }
}
