using Containment.IntegrationTests.Support;
using static Containment.IntegrationTests.Escapes.EscapeProbe;

namespace Containment.IntegrationTests.Escapes;

/// <summary>mount(2) from inside (a host bind, a fresh filesystem), and unmounting masked or read-only paths to reveal them.</summary>
public class MountAttemptTests
{
    [Test]
    public async Task Mounting_anything_fails_and_the_host_mount_table_is_unchanged()
    {
        var before = HostSnapshot.MountPoints();
        var r = await Attack.InDefault("""
            mount -t tmpfs none /tmp && echo mounted-tmpfs
            mount -t proc proc /tmp && echo mounted-proc
            mount -o bind /bin /tmp && echo bound
            mount -t sysfs sysfs /tmp && echo mounted-sysfs
            mount -o remount,rw / && echo remounted
            """ + "\n" + Call("mount", "/bin", "/tmp", "/", 0x1000 /* MS_BIND */, 0) + "\n" + Call("open_tree", -100, "/", 1 /* OPEN_TREE_CLONE */));
        Assert.That(r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "ret=-1 errno=1", "ret=-1 errno=1" }), r.Stderr);
        Assert.That(HostSnapshot.MountPoints(), Is.EquivalentTo(before));
    }

    [Test]
    public async Task Unmounting_masked_and_read_only_paths_fails_and_they_stay_hidden()
    {
        var r = await Attack.InDefault($"""
            for p in /proc/keys /proc/timer_list /proc/acpi /proc/sys /proc/bus /sys/firmware; do umount $p && echo unmounted $p; umount -l $p && echo detached $p; done
            {Call("umount2", "/proc/keys", 2 /* MNT_DETACH */)}
            stat -c '%t:%T' /proc/keys /proc/timer_list
            ls -A /proc/acpi /sys/firmware | grep -vc -e : -e '^$'
            touch /proc/sys/x 2>/dev/null && echo writable
            echo done
            """);
        Assert.That(r.Stdout, Is.EqualTo("ret=-1 errno=1\n1:3\n1:3\n0\ndone\n"), r.Stderr);
    }
}
