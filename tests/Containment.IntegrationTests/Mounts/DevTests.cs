using Containment.IntegrationTests.Support;
using Containment.Mounts;
using static Containment.IntegrationTests.Mounts.MountTestSupport;

namespace Containment.IntegrationTests.Mounts;

public class DevTests
{
    [Test]
    public async Task The_default_dev_has_the_standard_nodes_links_and_mounts()
    {
        using var rootfs = TestRootfs.Create();
        var r = await Sh(rootfs,
            "for d in null zero full random urandom tty; do stat -c '%n %F %t:%T %a' /dev/$d; done; " +
            "for l in ptmx fd stdin stdout stderr core; do readlink /dev/$l; done; " +
            "for m in /dev /dev/pts /dev/shm /dev/mqueue; do grep -c \" $m \" /proc/self/mountinfo; done; head -c 4 /dev/zero | wc -c");
        var lines = r.Stdout.Split('\n');
        Assert.That(lines[..6], Is.EqualTo(new[]
        {
            "/dev/null character special file 1:3 666", "/dev/zero character special file 1:5 666",
            "/dev/full character special file 1:7 666", "/dev/random character special file 1:8 666",
            "/dev/urandom character special file 1:9 666", "/dev/tty character special file 5:0 666",
        }), r.Stderr);
        Assert.That(lines[6..12], Is.EqualTo(new[] { "pts/ptmx", "/proc/self/fd", "/proc/self/fd/0", "/proc/self/fd/1", "/proc/self/fd/2", "/proc/kcore" }));
        Assert.That(lines[12..16], Is.EqualTo(new[] { "1", "1", "1", "1" }));
        Assert.That(lines[16].Trim(), Is.EqualTo("4"));
    }

    [Test]
    public async Task Extra_devices_are_created_with_their_type_numbers_mode_and_owner()
    {
        using var rootfs = TestRootfs.Create();
        var r = await Sh(rootfs, "stat -c '%F %t:%T %a %u:%g' /dev/mynull /dev/sub/fifo; echo hi > /dev/mynull && echo wrote",
            s => s.WithDevice("/dev/mynull", DeviceNodeType.Char, 1, 3, 0x180, 1000, 1001)
                  .WithDevice(new DeviceNode("/dev/sub/fifo", DeviceNodeType.Fifo, 0, 0, 0x1a4)));
        Assert.That(r.Stdout, Is.EqualTo("character special file 1:3 600 1000:1001\nfifo 0:0 644 0:0\nwrote\n"), r.Stderr);
    }

    [Test]
    public async Task Devices_by_bind_are_the_hosts_nodes_bound_in()
    {
        using var rootfs = TestRootfs.Create();
        var r = await Sh(rootfs, "grep -c ' /dev/null ' /proc/self/mountinfo; stat -c '%F %t:%T' /dev/null /dev/urandom; head -c 3 /dev/urandom | wc -c",
            s => s.WithFilesystem(f => f.WithDevicesByBind()));
        Assert.That(r.Stdout, Is.EqualTo("1\ncharacter special file 1:3\ncharacter special file 1:9\n3\n"), r.Stderr);
    }
}
