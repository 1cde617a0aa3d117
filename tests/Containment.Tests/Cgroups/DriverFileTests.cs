using Containment.Cgroups;
using Containment.Cgroups.Controllers;
using Containment.Cgroups.Devices;
using Containment.Cgroups.V1;
using Containment.Cgroups.V2;
using Microsoft.Win32.SafeHandles;
using static Containment.Cgroups.ByteSize;

namespace Containment.Tests.Cgroups;

public class DriverFileTests
{
    private const string Leaf = "containment/t1";

    private static readonly CgroupSpec Common = CgroupSpec.Build(c => c
        .MemoryMax(256 * MiB).MemorySwapMax(512 * MiB).MemoryReservation(128 * MiB)
        .CpuShares(1024).CpuQuota(50_000, 100_000).CpuBurst(10_000).CpuIdle(false)
        .Cpus("0-1").Mems("0")
        .PidsMax(64)
        .IoWeight(500).IoDeviceWeight(8, 0, 300)
        .IoThrottle(8, 0, IoThrottleKind.ReadBytesPerSecond, 1_000_000).IoThrottle(8, 0, IoThrottleKind.WriteBytesPerSecond, 2_000_000)
        .IoThrottle(8, 0, IoThrottleKind.ReadOpsPerSecond, 100).IoThrottle(8, 0, IoThrottleKind.WriteOpsPerSecond, 200)
        .HugetlbMax("2MB", 4 * MiB)
        .AllowDevice('c', 1, 3, "rw").DenyDevice('b', null, null, "m"));

    private sealed class RecordingAttacher : IDeviceFilterAttacher
    {
        public List<IReadOnlyList<BpfInstruction>> Programs { get; } = [];

        public IDisposable Attach(SafeFileHandle cgroup, string cgroupPath, IReadOnlyList<BpfInstruction> program, IDisposable? previous)
        {
            Programs.Add(program);
            return new MemoryStream();
        }
    }

    private static CgroupPart CreateV1(FakeCgroupFs fs, CgroupSpec spec)
    {
        CgroupHierarchy[] hierarchies =
        [
            fs.V1("memory", Leaf, "memory.limit_in_bytes", "memory.memsw.limit_in_bytes", "memory.soft_limit_in_bytes", "memory.swappiness"),
            fs.V1("cpu", Leaf, "cpu.shares", "cpu.cfs_period_us", "cpu.cfs_quota_us", "cpu.cfs_burst_us", "cpu.idle"),
            fs.V1("cpuset", Leaf, "cpuset.cpus", "cpuset.mems"),
            fs.V1("pids", Leaf, "pids.max"),
            fs.V1("blkio", Leaf, "blkio.weight", "blkio.weight_device", "blkio.throttle.read_bps_device", "blkio.throttle.write_bps_device",
                "blkio.throttle.read_iops_device", "blkio.throttle.write_iops_device"),
            fs.V1("hugetlb", Leaf, "hugetlb.2MB.limit_in_bytes"),
            fs.V1("devices", Leaf, "devices.allow", "devices.deny"),
            fs.V1("net_cls", Leaf, "net_cls.classid"),
            fs.V1("net_prio", Leaf, "net_prio.ifpriomap"),
            fs.V1("freezer", Leaf, "freezer.state"),
        ];
        var controllers = CgroupController.All.Where(c => c.ExistsOnV1).ToList();
        return new CgroupV1Driver(hierarchies, null).Create(spec, controllers, "t1", null);
    }

    [Test]
    public void The_v1_driver_writes_every_controller_file()
    {
        using var fs = new FakeCgroupFs();
        var spec = Common.With(c => c.Swappiness(10).NetClassId(0x100001).NetPriority("eth0", 5).NetPriority("lo", 1));
        using var part = CreateV1(fs, spec);
        string Last(string file) => fs.Lines(file).Last();
        Assert.Multiple(() =>
        {
            Assert.That(Last($"memory/{Leaf}/memory.limit_in_bytes"), Is.EqualTo("268435456"));
            Assert.That(Last($"memory/{Leaf}/memory.memsw.limit_in_bytes"), Is.EqualTo("536870912"));
            Assert.That(Last($"memory/{Leaf}/memory.soft_limit_in_bytes"), Is.EqualTo("134217728"));
            Assert.That(Last($"memory/{Leaf}/memory.swappiness"), Is.EqualTo("10"));
            Assert.That(Last($"cpu/{Leaf}/cpu.shares"), Is.EqualTo("1024"));
            Assert.That(Last($"cpu/{Leaf}/cpu.cfs_period_us"), Is.EqualTo("100000"));
            Assert.That(Last($"cpu/{Leaf}/cpu.cfs_quota_us"), Is.EqualTo("50000"));
            Assert.That(Last($"cpu/{Leaf}/cpu.cfs_burst_us"), Is.EqualTo("10000"));
            Assert.That(Last($"cpu/{Leaf}/cpu.idle"), Is.EqualTo("0"));
            Assert.That(Last($"cpuset/{Leaf}/cpuset.cpus"), Is.EqualTo("0-1"));
            Assert.That(Last($"cpuset/{Leaf}/cpuset.mems"), Is.EqualTo("0"));
            Assert.That(Last($"pids/{Leaf}/pids.max"), Is.EqualTo("64"));
            Assert.That(Last($"blkio/{Leaf}/blkio.weight"), Is.EqualTo("500"));
            Assert.That(Last($"blkio/{Leaf}/blkio.weight_device"), Is.EqualTo("8:0 300"));
            Assert.That(Last($"blkio/{Leaf}/blkio.throttle.read_bps_device"), Is.EqualTo("8:0 1000000"));
            Assert.That(Last($"blkio/{Leaf}/blkio.throttle.write_bps_device"), Is.EqualTo("8:0 2000000"));
            Assert.That(Last($"blkio/{Leaf}/blkio.throttle.read_iops_device"), Is.EqualTo("8:0 100"));
            Assert.That(Last($"blkio/{Leaf}/blkio.throttle.write_iops_device"), Is.EqualTo("8:0 200"));
            Assert.That(Last($"hugetlb/{Leaf}/hugetlb.2MB.limit_in_bytes"), Is.EqualTo("4194304"));
            Assert.That(fs.Lines($"devices/{Leaf}/devices.deny"), Is.EqualTo(new[] { "a", "b *:* m" }));
            Assert.That(fs.Lines($"devices/{Leaf}/devices.allow"), Is.EqualTo(new[] { "c 1:3 rw" }));
            Assert.That(Last($"net_cls/{Leaf}/net_cls.classid"), Is.EqualTo("1048577"));
            Assert.That(fs.Lines($"net_prio/{Leaf}/net_prio.ifpriomap"), Is.EqualTo(new[] { "eth0 5", "lo 1" }));
            Assert.That(part.ProcsFiles, Has.Count.EqualTo(10));
        });
    }

    [Test]
    public void The_v1_driver_converts_a_v2_weight_to_shares()
    {
        using var fs = new FakeCgroupFs();
        using var part = CreateV1(fs, CgroupSpec.Build(c => c.CpuWeight(100)));
        Assert.That(fs.Lines($"cpu/{Leaf}/cpu.shares"), Is.EqualTo(new[] { CpuSettings.WeightToShares(100).ToString() }));
    }

    [Test]
    public void The_v1_driver_writes_to_the_bfq_weight_when_blkio_weight_is_missing()
    {
        using var fs = new FakeCgroupFs();
        var blkio = fs.V1("blkio", Leaf, "blkio.bfq.weight");
        using var part = new CgroupV1Driver([blkio], null).Create(CgroupSpec.Build(c => c.IoWeight(200)), [new IoController()], "t1", null);
        Assert.That(fs.Lines($"blkio/{Leaf}/blkio.bfq.weight"), Is.EqualTo(new[] { "200" }));
    }

    [Test]
    public void The_v1_driver_denies_every_device_once_however_the_list_begins()
    {
        // A list that begins with deny-all (an OCI config's first rule; DeviceGuard's when the spec has none) and one that does not.
        var denyFirst = CgroupSpec.Build(c => c.DenyAllDevices().AllowDevice('c', 1, 3));
        var allowOnly = CgroupSpec.Build(c => c.AllowDevice('c', 1, 3));
        foreach (var spec in new[] { denyFirst, allowOnly })
        {
            using var fs = new FakeCgroupFs();
            var devices = fs.V1("devices", Leaf, "devices.allow", "devices.deny");
            using var part = new CgroupV1Driver([devices], null).Create(spec, [new DevicesController()], "t1", null);
            Assert.That(fs.Lines($"devices/{Leaf}/devices.deny"), Is.EqualTo(new[] { "a" }), string.Join(", ", spec.Devices!));
            Assert.That(fs.Lines($"devices/{Leaf}/devices.allow"), Does.Contain("c 1:3 rwm"));
        }
    }

    [Test]
    public void The_v1_driver_joins_the_process_through_every_hierarchy()
    {
        using var fs = new FakeCgroupFs();
        var handle = new CgroupHandle(CgroupMode.Legacy, [CreateV1(fs, CgroupSpec.Empty)]);
        handle.AddProcess(4242);
        Assert.That(fs.Lines($"memory/{Leaf}/cgroup.procs"), Is.EqualTo(new[] { "4242" }));
        Assert.That(fs.Lines($"freezer/{Leaf}/cgroup.procs"), Is.EqualTo(new[] { "4242" }));
        Assert.That(handle.Directory, Is.Null);
        handle.Dispose();
    }

    [Test]
    public void The_v2_driver_writes_every_controller_file_and_enables_controllers_in_each_parent()
    {
        using var fs = new FakeCgroupFs();
        var unified = fs.V2("cpuset cpu io memory hugetlb pids", Leaf, "memory.max", "memory.swap.max", "memory.low", "memory.oom.group",
            "memory.high", "cpu.weight", "cpu.max", "cpu.max.burst", "cpu.idle", "cpuset.cpus", "cpuset.mems", "pids.max", "io.weight",
            "io.max", "hugetlb.2MB.max");
        var attacher = new RecordingAttacher();
        var spec = Common.With(c => c.OomGroup().Unified("memory.high", "200000000"));
        using var part = new CgroupV2Driver(unified, ["memory", "pids"], attacher, null)
            .Create(spec, CgroupController.All.Where(c => c.ExistsOnV2).ToList(), "t1", null);
        string[] Lines(string file) => fs.Lines($"unified/{Leaf}/{file}");
        Assert.Multiple(() =>
        {
            Assert.That(Lines("memory.max"), Is.EqualTo(new[] { "268435456" }));
            Assert.That(Lines("memory.swap.max"), Is.EqualTo(new[] { "268435456" }), "v2 swap.max is memory+swap minus memory");
            Assert.That(Lines("memory.low"), Is.EqualTo(new[] { "134217728" }));
            Assert.That(Lines("memory.oom.group"), Is.EqualTo(new[] { "1" }));
            Assert.That(Lines("memory.high"), Is.EqualTo(new[] { "200000000" }));
            Assert.That(Lines("cpu.weight"), Is.EqualTo(new[] { "39" }), "1 + ((1024 - 2) * 9999) / 262142");
            Assert.That(Lines("cpu.max"), Is.EqualTo(new[] { "50000 100000" }));
            Assert.That(Lines("cpu.max.burst"), Is.EqualTo(new[] { "10000" }));
            Assert.That(Lines("cpu.idle"), Is.EqualTo(new[] { "0" }));
            Assert.That(Lines("cpuset.cpus"), Is.EqualTo(new[] { "0-1" }));
            Assert.That(Lines("cpuset.mems"), Is.EqualTo(new[] { "0" }));
            Assert.That(Lines("pids.max"), Is.EqualTo(new[] { "64" }));
            Assert.That(Lines("io.weight"), Is.EqualTo(new[] { "default 4950", "8:0 2930" }), "1 + (w - 10) * 9999 / 990");
            Assert.That(Lines("io.max"), Is.EqualTo(new[] { "8:0 rbps=1000000", "8:0 wbps=2000000", "8:0 riops=100", "8:0 wiops=200" }));
            Assert.That(Lines("hugetlb.2MB.max"), Is.EqualTo(new[] { "4194304" }));
            Assert.That(fs.Lines("unified/cgroup.subtree_control").Single().Split(' '),
                Is.EquivalentTo(new[] { "+cpuset", "+cpu", "+memory", "+pids", "+io", "+hugetlb" }));
            Assert.That(fs.Lines("unified/containment/cgroup.subtree_control").Single().Split(' '),
                Is.EquivalentTo(new[] { "+cpuset", "+cpu", "+memory", "+pids", "+io", "+hugetlb" }));
            Assert.That(attacher.Programs, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public void The_v2_driver_writes_unlimited_values_as_max()
    {
        using var fs = new FakeCgroupFs();
        var unified = fs.V2("cpu memory pids", Leaf, "memory.max", "memory.swap.max", "cpu.max", "pids.max");
        var spec = CgroupSpec.Build(c => c.MemoryMax(CgroupSpec.Unlimited).MemorySwapMax(CgroupSpec.Unlimited).CpuQuota(CgroupSpec.Unlimited, 100_000).PidsMax(CgroupSpec.Unlimited));
        using var part = new CgroupV2Driver(unified, [], new RecordingAttacher(), null).Create(spec, CgroupController.All, "t1", null);
        Assert.That(fs.Lines($"unified/{Leaf}/memory.max"), Is.EqualTo(new[] { "max" }));
        Assert.That(fs.Lines($"unified/{Leaf}/memory.swap.max"), Is.EqualTo(new[] { "max" }));
        Assert.That(fs.Lines($"unified/{Leaf}/cpu.max"), Is.EqualTo(new[] { "max 100000" }));
        Assert.That(fs.Lines($"unified/{Leaf}/pids.max"), Is.EqualTo(new[] { "max" }));
    }

    [Test]
    public void The_v2_driver_refuses_a_controller_the_hierarchy_does_not_offer_before_creating_anything()
    {
        using var fs = new FakeCgroupFs();
        var unified = fs.V2("cpu memory", Leaf);
        var e = Assert.Throws<CgroupException>(() => new CgroupV2Driver(unified, [], new RecordingAttacher(), null)
            .Create(CgroupSpec.Build(c => c.PidsMax(5)), CgroupController.All, "t2", null));
        Assert.That(e!.Message, Does.Contain("pids"));
        Assert.That(Directory.Exists(Path.Combine(fs.Root, "unified/containment/t2")), Is.False);
    }

    [Test]
    public void A_missing_file_is_an_error_naming_the_controller_and_file_and_the_created_directory_is_removed()
    {
        using var fs = new FakeCgroupFs();
        var unified = fs.V2("memory", Leaf);
        var e = Assert.Throws<CgroupException>(() => new CgroupV2Driver(unified, [], new RecordingAttacher(), null)
            .Create(CgroupSpec.Build(c => c.MemoryMax(4 * MiB)), CgroupController.All, "t2", null));
        Assert.That(e!.Controller, Is.EqualTo("memory"));
        Assert.That(e.File, Is.EqualTo("memory.max"));
        Assert.That(e.Message, Does.Contain("memory.max").And.Contain("containment/t2"));
        Assert.That(Directory.Exists(Path.Combine(fs.Root, "unified/containment/t2")), Is.False);
        Assert.That(Directory.Exists(Path.Combine(fs.Root, "unified/containment")), Is.True, "a parent that existed stays");
    }

    [Test]
    public void A_missing_file_marked_optional_is_skipped()
    {
        using var fs = new FakeCgroupFs();
        var unified = fs.V2("memory", Leaf, "memory.max");
        using var part = new CgroupV2Driver(unified, [], new RecordingAttacher(), null)
            .Create(CgroupSpec.Build(c => c.MemoryMax(4 * MiB).Swappiness(5).Optional("memory.swappiness")), CgroupController.All, "t1", null);
        Assert.That(fs.Lines($"unified/{Leaf}/memory.max"), Is.EqualTo(new[] { "4194304" }));
    }

    [Test]
    public void A_symlink_in_the_cgroup_path_is_not_followed()
    {
        using var fs = new FakeCgroupFs();
        var unified = fs.V2("memory", "elsewhere/t1", "memory.max");
        Directory.CreateDirectory(Path.Combine(fs.Root, "unified/containment"));
        File.CreateSymbolicLink(Path.Combine(fs.Root, "unified/containment/t1"), Path.Combine(fs.Root, "unified/elsewhere/t1"));
        Assert.Throws<CgroupException>(() => new CgroupV2Driver(unified, [], new RecordingAttacher(), null)
            .Create(CgroupSpec.Build(c => c.MemoryMax(4 * MiB)), CgroupController.All, "t1", null));
        Assert.That(fs.Lines("unified/elsewhere/t1/memory.max"), Is.Empty);
    }

    [Test]
    public void Only_a_v2_handle_in_unified_mode_offers_a_directory_for_clone_into_cgroup()
    {
        using var fs = new FakeCgroupFs();
        var unified = fs.V2("memory", Leaf);
        var part = new CgroupV2Driver(unified, [], new RecordingAttacher(), null).Create(CgroupSpec.Empty, CgroupController.All, "t1", null);
        using var handle = new CgroupHandle(CgroupMode.Unified, [part]);
        Assert.That(handle.Directory, Is.Not.Null);
        Assert.That(handle.ProcsFiles, Has.Count.EqualTo(1));
    }

    [Test]
    public void Statistics_are_parsed_from_both_formats()
    {
        using var fs = new FakeCgroupFs();
        var unified = fs.V2("memory cpu pids io", Leaf, "memory.current", "memory.peak", "memory.max", "memory.events", "cpu.stat", "pids.current", "pids.max", "io.stat");
        fs.Write($"unified/{Leaf}/memory.current", "1000\n");
        fs.Write($"unified/{Leaf}/memory.peak", "2000\n");
        fs.Write($"unified/{Leaf}/memory.max", "max\n");
        fs.Write($"unified/{Leaf}/memory.events", "low 0\nhigh 0\nmax 7\noom 2\noom_kill 1\noom_group_kill 0\n");
        fs.Write($"unified/{Leaf}/cpu.stat", "usage_usec 3000000\nuser_usec 2000000\nsystem_usec 1000000\nnr_periods 10\nnr_throttled 4\nthrottled_usec 500000\n");
        fs.Write($"unified/{Leaf}/pids.current", "3\n");
        fs.Write($"unified/{Leaf}/pids.max", "10\n");
        fs.Write($"unified/{Leaf}/io.stat", "8:0 rbytes=100 wbytes=200 rios=1 wios=2 dbytes=0 dios=0\n8:16 rbytes=1 wbytes=2 rios=3 wios=4\n");
        var part = new CgroupV2Driver(unified, [], new RecordingAttacher(), null).Create(CgroupSpec.Empty, CgroupController.All, "t1", null);
        using var handle = new CgroupHandle(CgroupMode.Unified, [part]);
        var stats = new Cgroup(handle).GetStats();
        Assert.That(stats.Memory, Is.EqualTo(new MemoryStats(1000, 2000, null, 7, 2, 1)));
        Assert.That(stats.Cpu, Is.EqualTo(new CpuStats(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), 10, 4, TimeSpan.FromMilliseconds(500))));
        Assert.That(stats.Pids, Is.EqualTo(new PidsStats(3, 10)));
        Assert.That(stats.Io, Is.EqualTo(new IoStats(101, 202, 4, 6)));

        using var v1fs = new FakeCgroupFs();
        var v1 = CreateV1(v1fs, CgroupSpec.Empty);
        foreach (var (file, text) in new[]
        {
            ("memory/containment/t1/memory.usage_in_bytes", "1000\n"), ("memory/containment/t1/memory.max_usage_in_bytes", "2000\n"),
            ("memory/containment/t1/memory.limit_in_bytes", "9223372036854771712\n"), ("memory/containment/t1/memory.failcnt", "7\n"),
            ("memory/containment/t1/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n"),
            ("cpu/containment/t1/cpu.stat", "nr_periods 10\nnr_throttled 4\nthrottled_time 500000000\n"),
            ("pids/containment/t1/pids.current", "3\n"), ("pids/containment/t1/pids.max", "max\n"),
            ("blkio/containment/t1/blkio.throttle.io_service_bytes_recursive", "8:0 Read 100\n8:0 Write 200\n8:0 Total 300\nTotal 300\n"),
            ("blkio/containment/t1/blkio.throttle.io_serviced_recursive", "8:0 Read 1\n8:0 Write 2\n"),
        }) v1fs.Write(file, text);
        using var v1handle = new CgroupHandle(CgroupMode.Legacy, [v1]);
        var v1stats = new Cgroup(v1handle).GetStats();
        Assert.That(v1stats.Memory, Is.EqualTo(new MemoryStats(1000, 2000, null, 7, null, 1)));
        Assert.That(v1stats.Cpu!.ThrottledPeriods, Is.EqualTo(4));
        Assert.That(v1stats.Cpu.Throttled, Is.EqualTo(TimeSpan.FromMilliseconds(500)));
        Assert.That(v1stats.Pids, Is.EqualTo(new PidsStats(3, null)));
        Assert.That(v1stats.Io, Is.EqualTo(new IoStats(100, 200, 1, 2)));
    }
}
