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

    [Test]
    public async Task Env_and_sysctl_values_are_split_at_the_first_equals_sign_and_need_one()
    {
        var (code, stdout, stderr) = await RunSampleTests.RunSample("--dry-run", "--env", "A=b=c", "--sysctl", "net.ipv4.ip_forward=1", "--", "/bin/true");
        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout.Split('\n'), Has.Some.EqualTo("child   write(/proc/sys/net/ipv4/ip_forward)"));
        foreach (var flag in new[] { "--env", "--sysctl" })
        {
            var (bad, _, error) = await RunSampleTests.RunSample("--dry-run", flag, "=x", "--", "/bin/true");
            Assert.That(bad, Is.Not.Zero);
            Assert.That(error, Does.Contain($"{flag} =x: expected K=V"));
        }
    }
}
