using Containment.Cgroups;
using Containment.IntegrationTests.Support;

namespace Containment.IntegrationTests.Embedding;

/// <summary>Issue 15, trap 3: one call runs a container to completion, with a timeout, capped output and its usage.</summary>
public class RunToCompletionTests
{
    private static ContainerSpec Shell(string script) => ContainerSpec.HostReadOnly().WithProcess(p => p.Args("/bin/sh", "-c", script));

    private static CancellationToken Hang => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    [Test]
    public async Task RunAsync_returns_both_outputs_the_exit_and_the_usage()
    {
        var r = await ContainerProcess.RunAsync(Shell("echo out; echo err >&2; i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; exit 3"), null, Hang);
        Assert.That((r.StandardOutput, r.StandardError, r.Exit.ExitCode, r.TimedOut), Is.EqualTo(("out\n", "err\n", (int?)3, false)));
        Assert.That(r.Usage.WallTime, Is.GreaterThan(TimeSpan.Zero));
        Assert.That(r.Usage.CpuTime, Is.GreaterThan(TimeSpan.Zero), "CPU time comes from the cgroup RunAsync gives the container");
        Assert.That(r.Usage.PeakMemory, Is.GreaterThan(0));
        Assert.That(r.ToString(), Does.StartWith("exited with code 3; wall "));
    }

    [Test]
    public async Task A_program_past_its_timeout_is_stopped_and_the_result_says_so()
    {
        var r = await ContainerProcess.RunAsync(Shell("echo started; exec sleep 60"),
            new ContainerRunOptions { Timeout = TimeSpan.FromMilliseconds(300), StopGrace = TimeSpan.FromMilliseconds(200) }, Hang);
        Assert.That(r.TimedOut, Is.True);
        Assert.That(r.Exit.Signal, Is.Not.Null);
        Assert.That(r.Exit.KilledByHost, Is.True);
        Assert.That(r.StandardOutput, Is.EqualTo("started\n"));
        Assert.That(r.ToString(), Does.StartWith("timed out, killed by SIG"));
    }

    [Test]
    public async Task Output_past_the_limit_is_cut_and_flagged()
    {
        var r = await ContainerProcess.RunAsync(Shell("head -c 100000 /dev/zero | tr '\\0' x; echo short >&2"), new ContainerRunOptions { OutputLimit = 1000 }, Hang);
        Assert.That((r.StandardOutput.Length, r.StandardOutputTruncated), Is.EqualTo((1000, true)));
        Assert.That((r.StandardError, r.StandardErrorTruncated), Is.EqualTo(("short\n", false)));
        Assert.That(r.Exit.ExitCode, Is.EqualTo(0));
    }

    [Test]
    public async Task Standard_input_text_is_fed_and_closed()
    {
        var r = await ContainerProcess.RunAsync(ContainerSpec.HostReadOnly().WithProcess(p => p.Args("tr", "a-z", "A-Z")),
            new ContainerRunOptions { StandardInput = "abc\n" }, Hang);
        Assert.That(r.StandardOutput, Is.EqualTo("ABC\n"));
    }

    [Test]
    public async Task Cancelling_a_run_kills_the_container_and_throws()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var children = HostSnapshot.ChildPids();
        Assert.CatchAsync<OperationCanceledException>(() => ContainerProcess.RunAsync(Shell("exec sleep 60"), null, cts.Token));
        Assert.That(HostSnapshot.ChildPids().Except(children), Is.Empty);
    }

    [Test]
    public async Task StopAsync_sends_SIGTERM_first_and_a_program_that_handles_it_exits_its_own_way()
    {
        await using var c = await ContainerProcess.StartAsync(ContainerSpec.HostReadOnly()
            .WithProcess(p => p.Args("/bin/sh", "-c", "trap 'exit 7' TERM; echo ready; while :; do sleep 0.1; done")), Hang);
        Assert.That(await c.StandardOutput!.ReadLineAsync(Hang), Is.EqualTo("ready"));
        var exit = await c.StopAsync(TimeSpan.FromSeconds(20), Hang);
        Assert.That(exit.ExitCode, Is.EqualTo(7));
    }

    [Test]
    public async Task StopAsync_kills_a_program_that_ignores_SIGTERM_after_the_grace_period()
    {
        await using var c = await ContainerProcess.StartAsync(ContainerSpec.HostReadOnly()
            .WithProcess(p => p.Args("/bin/sh", "-c", "trap '' TERM; echo ready; while :; do sleep 0.1; done")), Hang);
        Assert.That(await c.StandardOutput!.ReadLineAsync(Hang), Is.EqualTo("ready"));
        var exit = await c.StopAsync(TimeSpan.FromMilliseconds(200), Hang);
        Assert.That((exit.Signal, exit.KilledByHost, exit.OomKilled), Is.EqualTo(((Signal?)Signal.Kill, true, false)));
    }

    [Test]
    public void A_memory_limit_below_the_minimum_is_refused_naming_the_field()
    {
        var e = Assert.ThrowsAsync<ContainerSpecException>(() => ContainerProcess.RunAsync(Shell("true").WithCgroup(c => c.MemoryMax(1))));
        Assert.That(e!.Errors.Select(x => x.Field), Does.Contain("memory.max").Or.Contain("cgroup.memory.max"));
    }
}
