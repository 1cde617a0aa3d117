namespace Containment.IntegrationTests.Samples;

/// <summary>`containment-run --dry-run`: the launch's steps are printed, and the command does not run.</summary>
public class RunSampleDryRunTests
{
    [Test]
    public async Task A_dry_run_prints_the_steps_and_runs_nothing()
    {
        var marker = Path.Combine(Path.GetTempPath(), "dry-run-" + Guid.NewGuid().ToString("N"));
        var (code, stdout, stderr) = await RunSampleTests.RunSample("--dry-run", "--memory", "64m", "--landlock-ro", "/usr", "--landlock-best-effort",
            "--bind", $"{Path.GetTempPath()}:/hosttmp", "--", "/usr/bin/touch", "/hosttmp/" + Path.GetFileName(marker));
        Assert.That(code, Is.Zero, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Some.EqualTo($"host    write(memory.limit_in_bytes = {64 << 20})").Or.Some.EqualTo($"host    write(memory.max = {64 << 20})"));
        Assert.That(lines, Has.Some.StartsWith("child   landlock_add_rule(/usr: READ_FILE|READ_DIR"));
        Assert.That(lines[^1], Does.StartWith("child   execve(/usr/bin/touch, argv [/usr/bin/touch, /hosttmp/"));
        Assert.That(File.Exists(marker), Is.False);
    }
}
