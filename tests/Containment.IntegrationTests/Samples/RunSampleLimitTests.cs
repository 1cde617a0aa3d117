using static Containment.IntegrationTests.Samples.RunSampleTests;

namespace Containment.IntegrationTests.Samples;

/// <summary>Issue 15's sample options: --timeout, --cpu-time, --output-limit, --report, and a --help whose lines do not run together.</summary>
public class RunSampleLimitTests
{
    [Test]
    public async Task A_timeout_stops_the_command_exits_124_and_the_report_says_timed_out()
    {
        var (code, _, stderr) = await RunSample("--timeout", "0.5", "--report", "--", "sleep", "60");
        Assert.That(code, Is.EqualTo(124), stderr);
        Assert.That(stderr, Does.Contain("timed out after 0.5 s").And.Contain("timed-out=yes"));
    }

    [Test]
    public async Task A_cpu_time_limit_kills_a_busy_loop_even_as_pid_1()
    {
        var (code, _, stderr) = await RunSample("--cpu-time", "1", "--timeout", "30", "--report", "--", "/bin/sh", "-c", "while :; do :; done");
        Assert.That(code, Is.EqualTo(128 + 9), stderr);
        Assert.That(stderr, Does.Contain("timed-out=no").And.Contain("signal=SIGKILL"));
    }

    [Test]
    public async Task Output_past_the_limit_is_cut()
    {
        var (code, stdout, stderr) = await RunSample("--output-limit", "10", "--report", "--", "/bin/sh", "-c", "echo 0123456789abcdef");
        Assert.That((code, stdout), Is.EqualTo((0, "0123456789")), stderr);
        Assert.That(stderr, Does.Match(@"containment-run: exit=0 timed-out=no wall=[0-9.]+ms cpu=[0-9.]+ms .*peak-memory=[0-9.]+MiB oom=no oom-kills=0 output-truncated=yes"));
    }

    [Test]
    public async Task Help_puts_every_option_on_a_line_of_its_own()
    {
        var (code, stdout, _) = await RunSample("--help");
        Assert.That(code, Is.Zero);
        var lines = stdout.Split('\n');
        foreach (var option in new[] { "--explain-syscall", "--memory", "--timeout", "--cpu-time", "--output-limit", "--report" })
            Assert.That(lines.Count(l => l.TrimStart().StartsWith(option + " ", StringComparison.Ordinal)), Is.EqualTo(1), option);
    }
}
