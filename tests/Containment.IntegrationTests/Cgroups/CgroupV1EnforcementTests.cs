using Containment.Cgroups;
using static Containment.Cgroups.ByteSize;

namespace Containment.IntegrationTests.Cgroups;

[TestFixture, NonParallelizable]
public class CgroupV1EnforcementTests
{
    [OneTimeSetUp]
    public void RequireRootAndV1()
    {
        if (Environment.UserName != "root") Assert.Ignore("needs root");
        if (CgroupManager.Detect().Mode == CgroupMode.Unified) Assert.Ignore("needs cgroup v1 (see tests/cgroup2-vm for v2)");
    }

    [Test]
    public void The_machine_is_detected_as_hybrid_with_every_v1_hierarchy()
    {
        var layout = CgroupManager.Detect().Layout;
        Assert.That(layout.Mode, Is.EqualTo(CgroupMode.Hybrid));
        Assert.That(layout.V1.SelectMany(h => h.Controllers), Is.SupersetOf(new[] { "memory", "cpu", "cpuacct", "cpuset", "pids", "blkio", "devices", "freezer" }));
        Assert.That(layout.Unified?.MountPoint, Is.EqualTo("/sys/fs/cgroup/unified"));
    }

    [Test]
    public void Create_writes_the_limits_and_destroy_removes_every_directory()
    {
        using var scope = new CgroupTestScope();
        var handle = scope.Create(CgroupSpec.Build(c => c.MemoryMax(64 * MiB).PidsMax(10).CpuShares(512).CpuQuota(0.5).Cpus("0").IoWeight(200)));
        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllText($"/sys/fs/cgroup/memory/{scope.Prefix}/c/memory.limit_in_bytes").Trim(), Is.EqualTo((64 * MiB).ToString()));
            Assert.That(File.ReadAllText($"/sys/fs/cgroup/pids/{scope.Prefix}/c/pids.max").Trim(), Is.EqualTo("10"));
            Assert.That(File.ReadAllText($"/sys/fs/cgroup/cpu/{scope.Prefix}/c/cpu.shares").Trim(), Is.EqualTo("512"));
            Assert.That(File.ReadAllText($"/sys/fs/cgroup/cpu/{scope.Prefix}/c/cpu.cfs_quota_us").Trim(), Is.EqualTo("50000"));
            Assert.That(File.ReadAllText($"/sys/fs/cgroup/cpuset/{scope.Prefix}/c/cpuset.cpus").Trim(), Is.EqualTo("0"));
            Assert.That(File.ReadAllText($"/sys/fs/cgroup/blkio/{scope.Prefix}/c/blkio.bfq.weight").Trim(), Does.Contain("200"));
            Assert.That(handle.ProcsFiles, Has.Count.EqualTo(handle.Paths.Count));
            Assert.That(handle.Directory, Is.Null);
        });
        handle.Destroy();
        handle.Destroy();
        Assert.That(CgroupTestScope.CountDirectories(scope.Prefix), Is.Zero);
    }

    [Test]
    public async Task A_memory_hog_past_the_limit_is_oom_killed_and_reported()
    {
        using var scope = new CgroupTestScope();
        var handle = scope.Create(CgroupSpec.Build(c => c.MemoryMax(32 * MiB)));
        var cgroup = new Cgroup(handle);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var oom = cgroup.WatchOomAsync(cts.Token).GetAsyncEnumerator(cts.Token);
        var next = oom.MoveNextAsync().AsTask();
        await Task.Delay(100);

        var hog = scope.StartParked("x=a; while true; do x=$x$x; done");
        handle.AddProcess(hog.Id);
        CgroupTestScope.Release(hog);
        var (exit, _, _) = await CgroupTestScope.WaitAsync(hog);

        Assert.That(await next, Is.True, "an OOM event arrives");
        var stats = cgroup.GetStats();
        var oomEvent = oom.Current;
        await oom.DisposeAsync();
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(128 + 9).Or.EqualTo(-1).Or.EqualTo(137), "killed by SIGKILL");
            // v1 signals the eventfd when the cgroup enters OOM, which can be just before the kill is counted.
            Assert.That(oomEvent.Timestamp, Is.GreaterThan(DateTimeOffset.UtcNow.AddMinutes(-1)));
            Assert.That(stats.Memory!.OomKills, Is.GreaterThanOrEqualTo(1));
            Assert.That(stats.Memory.FailCount, Is.GreaterThan(0));
            Assert.That(stats.Memory.Limit, Is.EqualTo(32 * MiB));
        });
    }

    [Test]
    public async Task Pids_max_makes_fork_fail()
    {
        using var scope = new CgroupTestScope();
        var handle = scope.Create(CgroupSpec.Build(c => c.PidsMax(3)));
        var sh = scope.StartParked("for i in 1 2 3 4 5 6; do sleep 5 & done; wait");
        handle.AddProcess(sh.Id);
        CgroupTestScope.Release(sh);
        await Task.Delay(500);
        var stats = new Cgroup(handle).GetStats();
        await new Cgroup(handle).KillAllAsync();
        var (_, _, err) = await CgroupTestScope.WaitAsync(sh);
        Assert.That(err, Does.Contain("Resource temporarily unavailable").Or.Contain("Cannot fork"));
        Assert.That(stats.Pids!.Limit, Is.EqualTo(3));
        Assert.That(stats.Pids.Current, Is.InRange(1, 3), "the shell exits when fork fails; its sleeps remain");
    }

    /// <summary>
    /// The kernel's own accounting, not wall time (which a busy machine stretches): the loop is throttled, period after
    /// period, and never runs more than its quota in a period it was runnable in. Without the quota the loop is never
    /// throttled and takes up to a whole period of CPU in each.
    /// </summary>
    [Test]
    public async Task A_fifth_of_a_cpu_throttles_a_busy_loop()
    {
        using var scope = new CgroupTestScope();
        var handle = scope.Create(CgroupSpec.Build(c => c.CpuQuota(0.2)));
        var cgroup = new Cgroup(handle);
        var period = TimeSpan.FromMicroseconds(long.Parse(File.ReadAllText($"/sys/fs/cgroup/cpu/{scope.Prefix}/c/cpu.cfs_period_us").Trim()));
        var busy = scope.StartParked("while :; do :; done");
        handle.AddProcess(busy.Id);
        var before = cgroup.GetStats().Cpu!;
        CgroupTestScope.Release(busy);
        var after = before;
        for (var i = 0; i < 600 && after.ThrottledPeriods - before.ThrottledPeriods < 5; i++)
        {
            await Task.Delay(50);
            after = cgroup.GetStats().Cpu!;
        }
        await cgroup.KillAllAsync();
        var used = after.Usage - before.Usage;
        var periods = after.Periods - before.Periods;
        TestContext.Out.WriteLine($"used {used.TotalMilliseconds:F1} ms of CPU in {periods} periods of {period.TotalMilliseconds} ms; " +
            $"throttled in {after.ThrottledPeriods - before.ThrottledPeriods} of them for {(after.Throttled - before.Throttled).TotalMilliseconds:F0} ms");
        Assert.Multiple(() =>
        {
            Assert.That(after.ThrottledPeriods - before.ThrottledPeriods, Is.GreaterThanOrEqualTo(5), "the loop is throttled (within 30 s)");
            Assert.That(after.Throttled, Is.GreaterThan(before.Throttled));
            // A fifth of each period, with room for the scheduler's tick and slice granularity: far below a whole period.
            Assert.That(used, Is.LessThanOrEqualTo(period * 0.2 * 1.5 * (periods + 1)), "no more than the quota in each period");
        });
    }

    [Test]
    public async Task Pause_stops_progress_and_resume_restarts_it()
    {
        using var scope = new CgroupTestScope();
        var handle = scope.Create(CgroupSpec.Empty);
        var cgroup = new Cgroup(handle);
        var counter = Path.Combine(Path.GetTempPath(), scope.Prefix);
        try
        {
            var sh = scope.StartParked($"while :; do echo x >> {counter}; done");
            handle.AddProcess(sh.Id);
            CgroupTestScope.Release(sh);
            await Task.Delay(300);
            await cgroup.PauseAsync();
            var paused = ReadCounter(counter);
            await Task.Delay(300);
            var stillPaused = ReadCounter(counter);
            await cgroup.ResumeAsync();
            await Task.Delay(300);
            var resumed = ReadCounter(counter);
            Assert.That(stillPaused, Is.EqualTo(paused));
            Assert.That(resumed, Is.GreaterThan(paused));
        }
        finally { File.Delete(counter); }
    }

    /// <summary>Progress is the file's length: the shell only ever appends, so no read sees a torn value.</summary>
    private static long ReadCounter(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;

    [Test]
    public async Task Update_changes_a_live_limit()
    {
        using var scope = new CgroupTestScope();
        var handle = scope.Create(CgroupSpec.Build(c => c.MemoryMax(64 * MiB).MemorySwapMax(64 * MiB).PidsMax(5)));
        var cgroup = new Cgroup(handle);
        var sh = scope.StartParked("sleep 30");
        handle.AddProcess(sh.Id);
        CgroupTestScope.Release(sh);
        cgroup.Update(CgroupSpec.Build(c => c.MemoryMax(128 * MiB).MemorySwapMax(128 * MiB).PidsMax(50)));
        Assert.That(cgroup.GetStats().Memory!.Limit, Is.EqualTo(128 * MiB));
        Assert.That(cgroup.GetStats().Pids!.Limit, Is.EqualTo(50));
        Assert.That(File.ReadAllText($"/sys/fs/cgroup/memory/{scope.Prefix}/c/memory.memsw.limit_in_bytes").Trim(), Is.EqualTo((128 * MiB).ToString()));
        await cgroup.KillAllAsync();
        Assert.That(cgroup.GetProcesses(), Is.Empty);
    }

    [Test]
    public async Task V1_device_rules_deny_dev_null_and_allow_dev_zero()
    {
        using var scope = new CgroupTestScope();
        var handle = scope.Create(CgroupSpec.Build(c => c.AllowDevice('a', null, null).DenyDevice('c', 1, 3)));
        var sh = scope.StartParked("head -c1 /dev/zero > /dev/zero && echo zero-ok; echo x > /dev/null && echo null-ok");
        handle.AddProcess(sh.Id);
        CgroupTestScope.Release(sh);
        var (_, output, err) = await CgroupTestScope.WaitAsync(sh);
        Assert.That(output, Does.Contain("zero-ok"));
        Assert.That(output, Does.Not.Contain("null-ok"));
        Assert.That(err, Does.Contain("Operation not permitted"));
    }

    [Test]
    public void A_setting_the_kernel_lacks_fails_naming_the_controller_and_file_and_leaves_nothing()
    {
        using var scope = new CgroupTestScope();
        var e = Assert.Throws<CgroupException>(() => scope.Create(CgroupSpec.Build(c => c.PidsMax(5).OomGroup())));
        Assert.That(e!.Message, Does.Contain("memory.oom.group"));
        Assert.That(e.Controller, Is.EqualTo("memory"));
        Assert.That(CgroupTestScope.CountDirectories(scope.Prefix), Is.Zero);
        Assert.That(() => scope.Create(CgroupSpec.Build(c => c.PidsMax(5).OomGroup().Optional("memory.oom.group"))).Destroy(), Throws.Nothing);
    }

    [Test]
    public void A_v1_only_controller_that_is_not_mounted_is_refused_before_anything_is_created()
    {
        using var scope = new CgroupTestScope();
        var e = Assert.Throws<CgroupException>(() => scope.Create(CgroupSpec.Build(c => c.NetClassId(0x100001))));
        Assert.That(e!.Message, Does.Contain("net_cls"));
        Assert.That(CgroupTestScope.CountDirectories(scope.Prefix), Is.Zero);
    }

    /// <summary>
    /// Counts only what the lifecycles could have made (every directory the manager announces for each: the leaf and its
    /// parents, in every hierarchy), not the whole tree, which other work on the machine changes meanwhile.
    /// </summary>
    [Test]
    public void A_hundred_create_destroy_lifecycles_leave_the_directory_count_unchanged()
    {
        using var scope = new CgroupTestScope();
        var possible = new HashSet<string>();
        for (var i = 0; i < 100; i++)
            possible.UnionWith(scope.Manager.DirectoriesOf("c", $"/{scope.Prefix}/c{i}").Select(d => d.Path));
        Assert.That(possible, Has.All.Contains(scope.Prefix));
        Assert.That(possible.Count(Directory.Exists), Is.Zero, "none exists before");
        var made = 0;
        for (var i = 0; i < 100; i++)
        {
            var handle = scope.Manager.Create(CgroupSpec.Build(c => c.MemoryMax(64 * MiB).PidsMax(10)), "c", $"/{scope.Prefix}/c{i}");
            made += possible.Count(Directory.Exists);
            handle.Destroy();
            handle.Dispose();
        }
        Assert.That(made, Is.GreaterThanOrEqualTo(100 * 2 * 2), "each lifecycle made its leaf and parent in at least the memory and pids hierarchies");
        Assert.That(possible.Where(Directory.Exists), Is.Empty);
        Assert.That(CgroupTestScope.CountDirectories(scope.Prefix), Is.Zero);
    }

    [Test]
    public async Task Stats_can_be_streamed_at_an_interval()
    {
        using var scope = new CgroupTestScope();
        var cgroup = new Cgroup(scope.Create(CgroupSpec.Build(c => c.PidsMax(10))));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var seen = new List<CgroupStats>();
        await foreach (var s in cgroup.WatchStatsAsync(TimeSpan.FromMilliseconds(50), cts.Token))
        {
            seen.Add(s);
            if (seen.Count == 3) break;
        }
        Assert.That(seen, Has.Count.EqualTo(3));
        Assert.That(seen.Select(s => s.Timestamp), Is.Ordered);
        Assert.That(seen[0].Pids!.Limit, Is.EqualTo(10));
        Assert.That(seen[0].Memory, Is.Not.Null);
        Assert.That(seen[0].Cpu, Is.Not.Null);
        Assert.That(seen[0].Io, Is.Not.Null);
    }
}
