using Containment.Cgroup2Tests.Support;
using Containment.Cgroups;
using static Containment.Cgroup2Tests.Support.PureCgroup2;

namespace Containment.Cgroup2Tests;

/// <summary>memory.max, pids.max and cpu.max enforced by a pure cgroup v2 kernel on a container.</summary>
[TestFixture, NonParallelizable]
public class LimitTests
{
    [OneTimeSetUp]
    public void RequirePureCgroup2() => PureCgroup2.Require();

    [Test]
    public async Task A_memory_hog_is_OOM_killed_counted_in_memory_events_and_reported_by_the_watch()
    {
        // It waits for a line on stdin, so the OOM watch is in place before it allocates.
        var spec = Container.ShellInHostPids("read go; exec tail /dev/zero", c => c.MemoryMax(32 * ByteSize.MiB))
            .WithProcess(p => p.StandardInput(Stdio.Pipe));
        using var cts = new CancellationTokenSource(Container.Timeout);
        await using var c = await ContainerProcess.StartAsync(spec, cts.Token);
        var oom = c.Cgroup!.WatchOomAsync(cts.Token).GetAsyncEnumerator(cts.Token);
        var next = oom.MoveNextAsync().AsTask();

        await c.StandardInput!.WriteLineAsync("go");
        await c.StandardInput.FlushAsync();
        var exit = await c.WaitForExitAsync(cts.Token);

        Assert.That(await next, Is.True, "the watch reports the OOM");
        var reported = oom.Current;
        await oom.DisposeAsync();
        var leaf = c.Cgroup.Paths[0];
        Assert.Multiple(() =>
        {
            Assert.That(exit.Signal, Is.EqualTo(Signal.Kill));
            Assert.That(Read(leaf, "memory.max"), Is.EqualTo((32 * ByteSize.MiB).ToString()));
            Assert.That(Key(leaf, "memory.events", "oom_kill"), Is.GreaterThanOrEqualTo(1));
            Assert.That(c.Cgroup.GetStats().Memory!.OomKills, Is.GreaterThanOrEqualTo(1));
            Assert.That(reported.OomKills + Key(leaf, "memory.events", "oom"), Is.GreaterThanOrEqualTo(1));
        });
    }

    [Test]
    public async Task Pids_max_makes_fork_fail_and_counts_the_refusals()
    {
        var spec = Container.ShellInHostPids("for i in 1 2 3 4 5 6 7 8; do sleep 60 & done; wait", c => c.PidsMax(4));
        using var cts = new CancellationTokenSource(Container.Timeout);
        await using var c = await ContainerProcess.StartAsync(spec, cts.Token);
        var stderr = c.StandardError!.ReadToEndAsync(cts.Token);
        var leaf = c.Cgroup!.Paths[0];

        Assert.That(await Container.Eventually(() => Key(leaf, "pids.events", "max") >= 1), Is.True, "pids.events counts a refused fork");
        var current = long.Parse(Read(leaf, "pids.current"));
        var exit = await c.WaitForExitAsync(cts.Token); // the shell reports the failed fork and gives up
        await c.Cgroup.KillAllAsync(cts.Token);          // the sleeps it did start
        Assert.That(current, Is.InRange(1, 4));
        Assert.That(exit.ExitCode, Is.Not.Zero);
        Assert.That(await stderr, Does.Contain("fork").IgnoreCase.Or.Contain("Resource temporarily unavailable"));
    }

    [Test]
    public async Task Cpu_max_throttles_a_busy_loop()
    {
        var spec = Container.ShellInHostPids("while :; do :; done", c => c.CpuQuota(0.2));
        using var cts = new CancellationTokenSource(Container.Timeout);
        await using var c = await ContainerProcess.StartAsync(spec, cts.Token);
        var leaf = c.Cgroup!.Paths[0];
        Assert.That(Read(leaf, "cpu.max"), Is.EqualTo("20000 100000"));

        // CPU accounting is loose under emulation: assert on the throttling counters, not on usage.
        Assert.That(await Container.Eventually(() => Key(leaf, "cpu.stat", "nr_throttled") >= 3), Is.True, "throttled in at least 3 periods");
        var cpu = c.Cgroup.GetStats().Cpu!;
        TestContext.Out.WriteLine($"throttled {cpu.ThrottledPeriods}/{cpu.Periods} periods, {cpu.Throttled.TotalMilliseconds:F0} ms; used {cpu.Usage.TotalMilliseconds:F0} ms");
        Assert.That(cpu.ThrottledPeriods, Is.GreaterThanOrEqualTo(3));
        Assert.That(cpu.Throttled, Is.GreaterThan(TimeSpan.Zero));
    }
}
