using Containment.IntegrationTests.Support;

namespace Containment.IntegrationTests.Samples;

/// <summary>The main sample, `containment-run`, as README tells a newcomer to run it.</summary>
public class RunSampleTests
{
    internal static Task<(int ExitCode, string Stdout, string Stderr)> RunSample(params string[] args) =>
        SampleBinary.RunAsync(SampleBinary.PathOf("Containment.Run", "containment-run.dll"), args);

    [Test]
    public async Task The_readme_command_runs_in_its_own_container()
    {
        var (code, stdout, stderr) = await RunSample("--hostname", "box", "--", "/bin/sh", "-c", "echo hello from $(hostname), pid $$");
        Assert.That((code, stdout), Is.EqualTo((0, "hello from box, pid 2\n")), stderr);
    }

    [Test]
    public async Task The_command_runs_under_an_init_unless_no_init_is_given()
    {
        // The command's own SIGTERM to itself ends it only when it is not PID 1 (the kernel drops it for PID 1).
        var withInit = await RunSample("--", "/bin/sh", "-c", "kill -TERM $$; echo survived");
        Assert.That((withInit.ExitCode, withInit.Stdout), Is.EqualTo((143, "")), withInit.Stderr);
        var without = await RunSample("--no-init", "--", "/bin/sh", "-c", "echo pid $$; kill -TERM $$; echo survived");
        Assert.That((without.ExitCode, without.Stdout), Is.EqualTo((0, "pid 1\nsurvived\n")), without.Stderr);
    }

    [Test]
    public async Task A_memory_limit_ends_in_an_OOM_kill_that_says_so_and_stats_come_as_json()
    {
        var (code, _, stderr) = await RunSample("--memory", "32m", "--stats", "--", "/bin/sh", "-c", "x=a; while true; do x=$x$x; done");
        Assert.That(code, Is.EqualTo(128 + 9));
        Assert.That(stderr, Does.Contain("killed by the OOM killer: memory limit 32 MiB"));
        var json = stderr.Split('\n').Single(l => l.StartsWith('{'));
        var stats = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        Assert.That((long)stats["memory"]!["oomKills"]!, Is.GreaterThanOrEqualTo(1));
        Assert.That((long)stats["memory"]!["limit"]!, Is.EqualTo(32L << 20));
    }

    [Test]
    public async Task Pids_and_device_limits_hold()
    {
        var (code, stdout, stderr) = await RunSample("--pids", "4", "--device-deny", "c:1:3", "--",
            "/bin/sh", "-c", "for i in 1 2 3 4 5 6; do sleep 2 & done 2>/dev/null; echo x > /dev/null 2>/dev/null || echo null-denied; echo x > /dev/zero && echo zero-ok");
        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout, Is.EqualTo("null-denied\nzero-ok\n"));
    }

    [Test]
    public async Task A_bad_option_exits_2_with_the_usage()
    {
        var (code, _, stderr) = await RunSample("--memory", "lots", "--", "true");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("--memory: 'lots' is not a size").And.Contain("usage: containment-run"));
    }
}
