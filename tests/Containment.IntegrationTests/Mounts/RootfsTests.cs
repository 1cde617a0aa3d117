using Containment.IntegrationTests.Support;
using Containment.Mounts;
using static Containment.IntegrationTests.Mounts.MountTestSupport;

namespace Containment.IntegrationTests.Mounts;

public class RootfsTests
{
    [Test]
    public async Task A_read_only_rootfs_refuses_writes_outside_its_tmpfs_mounts()
    {
        using var rootfs = TestRootfs.Create();
        var r = await Sh(rootfs, "echo x > /etc/new; echo etc=$?; echo x > /tmp/new && echo tmp=$?; echo x > /dev/shm/new && echo shm=$?",
            s => s.WithReadOnlyRootfs().WithMounts(m => m.Tmpfs("/tmp")));
        Assert.That(r.Stdout, Is.EqualTo("etc=1\ntmp=0\nshm=0\n"), r.Stderr);
        Assert.That(r.Stderr, Does.Contain("Read-only file system"));
        Assert.That(File.Exists(Path.Combine(rootfs.Path, "etc/new")), Is.False);
    }

    [Test]
    public async Task The_no_pivot_mode_enters_a_ramfs_root()
    {
        var dir = HostDir("ramfs");
        try
        {
            Host("/usr/bin/mount", "-t", "ramfs", "containment-ramfs-test", dir);
            Directory.CreateDirectory(Path.Combine(dir, "bin"));
            Directory.CreateDirectory(Path.Combine(dir, "etc"));
            File.Copy(TestRootfs.Busybox, Path.Combine(dir, "bin/busybox"));
            File.WriteAllText(Path.Combine(dir, "etc/marker"), "on ramfs\n");
            var spec = ContainerSpec.FromRootfs(dir).WithNoPivotRoot()
                .WithProcess(p => p.Args("/bin/busybox", "sh", "-c", "/bin/busybox cat /etc/marker; /bin/busybox stat -f -c %T /; /bin/busybox ls /dev/null /proc/1/stat"));
            var r = await Run.ToCompletion(spec);
            Assert.That(r.Stdout, Is.EqualTo("on ramfs\nramfs\n/dev/null\n/proc/1/stat\n"), r.Stderr);
        }
        finally
        {
            Unmount(dir);
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public async Task An_rslave_root_is_accepted_and_keeps_container_mounts_inside()
    {
        using var rootfs = TestRootfs.Create();
        var marker = "containment-rslave-" + Guid.NewGuid().ToString("N")[..8];
        var r = await Sh(rootfs, $"mkdir -p /m && mount -t tmpfs {marker} /m && grep -c {marker} /proc/self/mountinfo",
            s => s.WithRootfsPropagation(MountPropagation.RSlave).WithCapabilities(c => c.Add(Capabilities.Capability.SysAdmin)));
        Assert.That(r.Stdout.Trim(), Is.EqualTo("1"), r.Stderr);
        Assert.That(File.ReadAllText("/proc/self/mountinfo"), Does.Not.Contain(marker));
    }
}
