using Containment.Launch;

namespace Containment.Tests.Launch;

public class HostMountsTests
{
    [Test]
    public void Only_the_outermost_mounts_beneath_each_tree_are_listed()
    {
        var mounts = new[] { "/", "/proc", "/proc/sys/fs/binfmt_misc", "/sys", "/sys/fs/cgroup", "/sys/fs/cgroup/memory", "/dev/shm", "/devices", "/home" };
        var result = HostMounts.OutermostBeneath(mounts, ["/proc", "/sys", "/dev"]);
        Assert.That(result, Is.EquivalentTo(new[] { "/proc", "/sys", "/dev/shm" }));
    }

    [Test]
    public void Escaped_mount_points_are_decoded()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "36 35 98:0 /mnt1 /mnt\\040with\\040space rw,noatime master:1 - ext3 /dev/root rw\n");
            Assert.That(HostMounts.MountPoints(file), Is.EqualTo(new[] { "/mnt with space" }));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
