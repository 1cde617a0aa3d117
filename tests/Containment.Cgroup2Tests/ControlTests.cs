using Containment.Cgroup2Tests.Support;
using static Containment.Cgroup2Tests.Support.PureCgroup2;

namespace Containment.Cgroup2Tests;

/// <summary>Freezing, killing everything, and the eBPF device filter, through the container's <see cref="Cgroups.Cgroup"/>.</summary>
[TestFixture, NonParallelizable]
public class ControlTests
{
    [OneTimeSetUp]
    public void RequirePureCgroup2() => PureCgroup2.Require();

    [Test]
    public async Task Pause_stops_progress_and_resume_restarts_it()
    {
        var spec = Container.Shell("while :; do echo x; done", c => c.PidsMax(16));
        using var cts = new CancellationTokenSource(Container.Timeout);
        await using var c = await ContainerProcess.StartAsync(spec, cts.Token);
        var output = new Container.ByteCounter(c.StandardOutput!.BaseStream);
        var leaf = c.Cgroup!.Paths[0];
        Assert.That(await Container.Eventually(() => output.Count > 0), Is.True, "it prints before the pause");

        await c.Cgroup.PauseAsync(cts.Token);
        Assert.That(Key(leaf, "cgroup.events", "frozen"), Is.EqualTo(1));
        await Task.Delay(500); // the reader drains what was already in the pipe
        var paused = output.Count;
        await Task.Delay(1000);
        Assert.That(output.Count, Is.EqualTo(paused), "no output while frozen");

        await c.Cgroup.ResumeAsync(cts.Token);
        Assert.That(Key(leaf, "cgroup.events", "frozen"), Is.Zero);
        Assert.That(await Container.Eventually(() => output.Count > paused), Is.True, "output resumes");
    }

    [Test]
    public async Task KillAll_kills_every_process_in_the_cgroup()
    {
        // Host pid namespace: no namespace teardown helps, only cgroup.kill reaches the background sleeps.
        var spec = Container.ShellInHostPids("sleep 600 & sleep 600 & sleep 600 & wait", c => c.PidsMax(16));
        using var cts = new CancellationTokenSource(Container.Timeout);
        await using var c = await ContainerProcess.StartAsync(spec, cts.Token);
        var leaf = c.Cgroup!.Paths[0];
        Assert.That(await Container.Eventually(() => c.Cgroup.GetProcesses().Count >= 4), Is.True, "the shell and its three sleeps");
        var pids = c.Cgroup.GetProcesses();

        await c.Cgroup.KillAllAsync(cts.Token);

        Assert.That(c.Cgroup.GetProcesses(), Is.Empty);
        Assert.That(Key(leaf, "cgroup.events", "populated"), Is.Zero);
        Assert.That(pids.Where(pid => Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ")), Is.Empty);
        Assert.That((await c.WaitForExitAsync(cts.Token)).Signal, Is.EqualTo(Signal.Kill));
    }

    [Test]
    public async Task The_device_filter_denies_dev_null_and_allows_dev_zero()
    {
        // "rw", not "m": the launch itself creates /dev/null with mknod inside the cgroup.
        var (_, stdout, stderr) = await Container.RunToCompletion(Container.Shell(
            "head -c1 /dev/zero > /dev/zero && echo zero-ok; echo x > /dev/null && echo null-ok",
            c => c.AllowDevice('a', null, null).DenyDevice('c', 1, 3, "rw")));
        Assert.That(stdout, Does.Contain("zero-ok"));
        Assert.That(stdout, Does.Not.Contain("null-ok"));
        Assert.That(stderr, Does.Contain("Operation not permitted"));
    }
}
