using Containment.Cgroups;
using Containment.SystemdTests.Support;
using static Containment.SystemdTests.Support.SystemdHost;

namespace Containment.SystemdTests;

/// <summary>
/// A container's cgroup as a transient systemd scope: where it lands, its unit properties as systemd shows them, the
/// kernel enforcing them, update, pause/resume, and no unit or cgroup left afterwards.
/// </summary>
[TestFixture, NonParallelizable]
public class ScopeTests
{
    [OneTimeSetUp]
    public void RequireSystemd() => SystemdHost.Require();

    private static ContainerSpec Shell(string script, string cgroupsPath, Action<CgroupBuilder> limits) =>
        ContainerSpec.HostReadOnly().WithCgroup(limits).WithCgroupDriver(CgroupDriverKind.Systemd).WithCgroupsPath(cgroupsPath)
            .WithProcess(p => p.Args("/bin/sh", "-c", script));

    [Test]
    public async Task A_container_in_machine_slice_is_a_delegated_scope_with_its_limits_as_unit_properties_and_in_the_files()
    {
        var id = NewId();
        var unit = $"containment-test-{id}.scope";
        var spec = Shell("exec sleep 600", $"machine.slice:containment-test:{id}", c => c.MemoryMax(64 * ByteSize.MiB).PidsMax(32).CpuQuota(0.5).CpuWeight(200));
        using var cts = new CancellationTokenSource(Patience);
        await using (var c = await ContainerProcess.StartAsync(spec, cts.Token))
        {
            var scope = $"{CgroupRoot}/machine.slice/{unit}";
            Assert.That(c.Cgroup!.Paths, Is.EqualTo(new[] { scope }));
            Assert.Multiple(() =>
            {
                Assert.That(Show(unit, "ActiveState"), Is.EqualTo("active"));
                Assert.That(Show(unit, "Slice"), Is.EqualTo("machine.slice"));
                Assert.That(Show(unit, "Delegate"), Is.EqualTo("yes"));
                Assert.That(Show(unit, "MemoryMax"), Is.EqualTo((64 * ByteSize.MiB).ToString()));
                Assert.That(Show(unit, "TasksMax"), Is.EqualTo("32"));
                Assert.That(Show(unit, "CPUQuotaPerSecUSec"), Is.EqualTo("500ms"));
                Assert.That(Show(unit, "CPUWeight"), Is.EqualTo("200"));
                Assert.That(Read(scope, "memory.max"), Is.EqualTo((64 * ByteSize.MiB).ToString()));
                Assert.That(Read(scope, "pids.max"), Is.EqualTo("32"));
                Assert.That(Read(scope, "cpu.max"), Is.EqualTo("50000 100000"));
                // The container started inside (CLONE_INTO_CGROUP); the placeholder it was created with went back home.
                Assert.That(File.ReadAllText($"/proc/{c.Pid}/cgroup").Trim(), Is.EqualTo($"0::/machine.slice/{unit}"));
                Assert.That(c.Cgroup.GetProcesses(), Is.EqualTo(new[] { c.Pid }));
                Assert.That(Show(unit, "ControlGroup"), Is.EqualTo($"/machine.slice/{unit}"));
            });
        }
        Assert.That(await Eventually(() => Units(unit).Count == 0), Is.True, $"{unit} is gone: {string.Join(", ", Units(unit))}");
        Assert.That(Directory.Exists($"{CgroupRoot}/machine.slice/{unit}"), Is.False);
    }

    [Test]
    public async Task A_nested_slice_expands_dash_by_dash_and_is_created_by_systemd()
    {
        var id = NewId();
        var unit = $"ctr-{id}.scope";
        var slice = $"containmenttest-{id}-pod.slice";
        var spec = Shell("exec sleep 600", $"{slice}:ctr:{id}", c => c.PidsMax(16));
        using var cts = new CancellationTokenSource(Patience);
        try
        {
            await using (var c = await ContainerProcess.StartAsync(spec, cts.Token))
            {
                var expected = $"{CgroupRoot}/containmenttest.slice/containmenttest-{id}.slice/{slice}/{unit}";
                Assert.That(c.Cgroup!.Paths, Is.EqualTo(new[] { expected }));
                Assert.That(Directory.Exists(expected), Is.True);
                Assert.That(Show(unit, "Slice"), Is.EqualTo(slice));
                Assert.That(Show(slice, "ActiveState"), Is.EqualTo("active"));
            }
            Assert.That(await Eventually(() => Units(unit).Count == 0), Is.True);
        }
        finally
        {
            Assert.That(StopSlice("containmenttest.slice"), Is.Empty, "the test's slices are gone");
        }
        Assert.That(Directory.Exists($"{CgroupRoot}/containmenttest.slice"), Is.False);
    }

    [Test]
    public async Task A_memory_hog_is_OOM_killed_under_MemoryMax_and_the_watch_reports_it()
    {
        // The shell outlives its hog, so the scope (which systemd ends once it is empty) stays to be read.
        var id = NewId();
        var spec = Shell("read go; (exec tail /dev/zero); echo hog-gone; exec sleep 600", $"machine.slice:containment-test:{id}",
                c => c.MemoryMax(32 * ByteSize.MiB).MemorySwapMax(32 * ByteSize.MiB))
            .WithProcess(p => p.StandardInput(Stdio.Pipe));
        using var cts = new CancellationTokenSource(Patience);
        await using var c = await ContainerProcess.StartAsync(spec, cts.Token);
        var scope = c.Cgroup!.Paths[0];
        Assert.That(Show($"containment-test-{id}.scope", "MemoryMax"), Is.EqualTo((32 * ByteSize.MiB).ToString()));
        var oom = c.Cgroup.WatchOomAsync(cts.Token).GetAsyncEnumerator(cts.Token);
        var next = oom.MoveNextAsync().AsTask();
        await c.StandardInput!.WriteLineAsync("go");
        await c.StandardInput.FlushAsync();
        Assert.That(await c.StandardOutput!.ReadLineAsync(cts.Token), Is.EqualTo("hog-gone"));
        Assert.That(await next, Is.True, "the watch reports the OOM");
        await oom.DisposeAsync();
        Assert.That(Key(scope, "memory.events", "oom_kill"), Is.GreaterThanOrEqualTo(1));
        Assert.That(c.Cgroup.GetStats().Memory!.OomKills, Is.GreaterThanOrEqualTo(1));
    }

    [Test]
    public async Task TasksMax_makes_fork_fail()
    {
        // The fork bomb runs in a subshell the shell outlives, so the scope (which systemd ends once it is empty) stays
        // to be read; it starts once the unit's property has been read.
        var id = NewId();
        var spec = Shell("read go; (for i in 1 2 3 4 5 6 7 8; do sleep 60 & done); echo \"bomb-gone $?\"; exec sleep 600",
                $"machine.slice:containment-test:{id}", c => c.PidsMax(4))
            .WithProcess(p => p.StandardInput(Stdio.Pipe));
        using var cts = new CancellationTokenSource(Patience);
        await using var c = await ContainerProcess.StartAsync(spec, cts.Token);
        var scope = c.Cgroup!.Paths[0];
        Assert.That(Show($"containment-test-{id}.scope", "TasksMax"), Is.EqualTo("4"));
        await c.StandardInput!.WriteLineAsync("go");
        await c.StandardInput.FlushAsync();
        Assert.That(await c.StandardOutput!.ReadLineAsync(cts.Token), Does.StartWith("bomb-gone ").And.Not.EqualTo("bomb-gone 0"), "the subshell failed");
        Assert.That(Key(scope, "pids.events", "max"), Is.GreaterThanOrEqualTo(1), "pids.events counts a refused fork");
        Assert.That(await c.StandardError!.ReadLineAsync(cts.Token), Does.Contain("fork").IgnoreCase.Or.Contain("Resource temporarily unavailable"));
    }

    [Test]
    public async Task Update_changes_the_unit_property_and_the_file_and_pause_resume_and_stats_work()
    {
        var id = NewId();
        var unit = $"containment-test-{id}.scope";
        var spec = Shell("while :; do sleep 0.1; done", $"machine.slice:containment-test:{id}", c => c.PidsMax(16).MemoryMax(128 * ByteSize.MiB));
        using var cts = new CancellationTokenSource(Patience);
        await using var c = await ContainerProcess.StartAsync(spec, cts.Token);
        var scope = c.Cgroup!.Paths[0];

        c.Cgroup.Update(CgroupSpec.Build(b => b.PidsMax(128).MemoryMax(96 * ByteSize.MiB)));
        Assert.Multiple(() =>
        {
            Assert.That(Show(unit, "TasksMax"), Is.EqualTo("128"));
            Assert.That(Show(unit, "MemoryMax"), Is.EqualTo((96 * ByteSize.MiB).ToString()));
            Assert.That(Read(scope, "pids.max"), Is.EqualTo("128"));
            Assert.That(Read(scope, "memory.max"), Is.EqualTo((96 * ByteSize.MiB).ToString()));
        });

        await c.Cgroup.PauseAsync(cts.Token);
        Assert.That(c.Cgroup.IsFrozen, Is.True);
        Assert.That(Key(scope, "cgroup.events", "frozen"), Is.EqualTo(1));
        await c.Cgroup.ResumeAsync(cts.Token);
        Assert.That(c.Cgroup.IsFrozen, Is.False);

        var stats = c.Cgroup.GetStats();
        Assert.That(stats.Memory!.Usage, Is.GreaterThan(0));
        Assert.That(stats.Pids!.Current, Is.GreaterThanOrEqualTo(1));
    }

    [Test]
    public async Task A_failed_start_leaves_no_unit()
    {
        var id = NewId();
        var unit = $"containment-test-{id}.scope";
        var spec = ContainerSpec.HostReadOnly().WithCgroup(c => c.PidsMax(8)).WithCgroupDriver(CgroupDriverKind.Systemd)
            .WithCgroupsPath($"machine.slice:containment-test:{id}").WithProcess(p => p.Args("/no/such/program"));
        using var cts = new CancellationTokenSource(Patience);
        Assert.ThrowsAsync<ContainerStartException>(async () => await ContainerProcess.StartAsync(spec, cts.Token));
        Assert.That(await Eventually(() => Units(unit).Count == 0), Is.True, $"{unit} is gone: {string.Join(", ", Units(unit))}");
        Assert.That(Directory.Exists($"{CgroupRoot}/machine.slice/{unit}"), Is.False);
    }

    [Test]
    public async Task The_default_path_is_containment_id_scope_in_system_slice()
    {
        var id = NewId();
        var spec = ContainerSpec.HostReadOnly().WithCgroup(c => c.PidsMax(8)).WithCgroupDriver(CgroupDriverKind.Systemd)
            .WithProcess(p => p.Args("/bin/sleep", "600"));
        using var cts = new CancellationTokenSource(Patience);
        await using var c = await ContainerProcess.StartAsync(spec, new ContainerStartOptions { Id = id }, cts.Token);
        Assert.That(c.Cgroup!.Paths, Is.EqualTo(new[] { $"{CgroupRoot}/system.slice/containment-{id}.scope" }));
        Assert.That(Show($"containment-{id}.scope", "TasksMax"), Is.EqualTo("8"));
    }
}
