using Containment.Cgroups;

namespace Containment.Tests.Cgroups;

public class CgroupLayoutTests
{
    private const long Cgroup2 = 0x63677270, Cgroup1 = 0x27e0eb, Tmpfs = 0x01021994;

    private const string HybridMountinfo = """
        30 23 0:26 / /sys/fs/cgroup rw,relatime shared:9 - tmpfs tmpfs rw,mode=755
        31 30 0:27 / /sys/fs/cgroup/cpu rw,relatime shared:10 - cgroup cgroup rw,cpu
        32 30 0:28 / /sys/fs/cgroup/memory rw,relatime shared:11 - cgroup cgroup rw,memory
        33 30 0:29 / /sys/fs/cgroup/systemd rw,relatime shared:12 - cgroup cgroup rw,name=systemd
        34 30 0:30 / /sys/fs/cgroup/unified rw,relatime shared:13 - cgroup2 cgroup2 rw
        35 30 0:31 / /sys/fs/cgroup/net\040cls rw,relatime shared:14 - cgroup cgroup rw,net_cls,net_prio
        """;

    private const string ProcSelfCgroup = "5:net_cls,net_prio:/\n4:memory:/process_api/abc\n1:cpu:/\n0::/\n";

    private static long Magic(string path) => path switch
    {
        "/sys/fs/cgroup" => Tmpfs,
        "/sys/fs/cgroup/unified" => Cgroup2,
        _ => Cgroup1,
    };

    [Test]
    public void A_tmpfs_of_v1_mounts_with_a_cgroup2_mount_is_hybrid()
    {
        var layout = CgroupLayout.Parse(HybridMountinfo, ProcSelfCgroup, Magic);
        Assert.That(layout.Mode, Is.EqualTo(CgroupMode.Hybrid));
        Assert.That(layout.V1.Select(h => h.Name), Is.EqualTo(new[] { "cpu", "memory", "net_cls,net_prio" }), "name=systemd is not a controller");
        Assert.That(layout.V1For("memory")!.OwnPath, Is.EqualTo("/process_api/abc"));
        Assert.That(layout.V1For("net_prio")!.MountPoint, Is.EqualTo("/sys/fs/cgroup/net cls"));
        Assert.That(layout.Unified!.MountPoint, Is.EqualTo("/sys/fs/cgroup/unified"));
    }

    [Test]
    public void Without_a_cgroup2_mount_it_is_legacy()
    {
        var mountinfo = string.Join("\n", HybridMountinfo.Split('\n').Where(l => !l.Contains("cgroup2")));
        Assert.That(CgroupLayout.Parse(mountinfo, ProcSelfCgroup, Magic).Mode, Is.EqualTo(CgroupMode.Legacy));
    }

    [Test]
    public void A_cgroup2_filesystem_at_sys_fs_cgroup_is_unified()
    {
        const string mountinfo = "30 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate";
        var layout = CgroupLayout.Parse(mountinfo, "0::/user.slice/session-1.scope\n", _ => Cgroup2);
        Assert.That(layout.Mode, Is.EqualTo(CgroupMode.Unified));
        Assert.That(layout.V1, Is.Empty);
        Assert.That(layout.Unified!.OwnPath, Is.EqualTo("/user.slice/session-1.scope"));
    }

    [Test]
    public void A_mount_whose_magic_is_not_cgroup_is_ignored()
    {
        var layout = CgroupLayout.Parse(HybridMountinfo, ProcSelfCgroup, p => p == "/sys/fs/cgroup/memory" ? Tmpfs : Magic(p));
        Assert.That(layout.V1For("memory"), Is.Null);
    }

    [Test]
    public void No_cgroup_mount_at_all_is_an_error() =>
        Assert.Throws<CgroupException>(() => CgroupLayout.Parse("30 23 0:26 / /proc rw - proc proc rw", "", _ => -1));

    [Test]
    public void In_hybrid_mode_hugetlb_goes_to_the_v2_leaf_and_everything_else_to_v1()
    {
        using var fs = new FakeCgroupFs();
        var unified = fs.V2("hugetlb", "containment/t1");
        var layout = new CgroupLayout(CgroupMode.Hybrid, [fs.V1("memory", "containment/t1"), fs.V1("devices", "containment/t1")], unified);
        var manager = new CgroupManager(layout, new MachineTopology(new HashSet<int> { 0 }, new HashSet<int> { 0 }, new HashSet<string> { "2MB" }));
        var (v1, v2) = manager.Place(CgroupSpec.Build(c => c.MemoryMax(ByteSize.MiB).HugetlbMax("2MB", 2 * ByteSize.MiB).DenyAllDevices()));
        Assert.That(v2.Select(c => c.Name), Is.EqualTo(new[] { "hugetlb" }));
        Assert.That(v1.Select(c => c.Name), Does.Contain("memory").And.Contain("devices"));
        var (_, v2Devices) = new CgroupManager(layout, MachineTopology.Host) { PreferV2Devices = true }.Place(CgroupSpec.Build(c => c.DenyAllDevices()));
        Assert.That(v2Devices.Select(c => c.Name), Is.EqualTo(new[] { "devices" }));
        Assert.That(() => manager.Place(CgroupSpec.Build(c => c.PidsMax(3))), Throws.TypeOf<CgroupException>().With.Message.Contains("pids"));
    }
}
