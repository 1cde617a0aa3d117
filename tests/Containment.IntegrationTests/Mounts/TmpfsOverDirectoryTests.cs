using Containment.IntegrationTests.Support;

namespace Containment.IntegrationTests.Mounts;

/// <summary>
/// A tmpfs mounted over a directory of the image without <c>mode=</c> takes that directory's mode and owner (as runc
/// does): the kernel's default, 1777, would let any user write where the image allowed only root (a tmpcopyup
/// <c>/etc</c> would take an <c>/etc/ld.so.preload</c>).
/// </summary>
public class TmpfsOverDirectoryTests
{
    private const string Probe = "stat -c '%a %u %g' /opt; touch /opt/planted 2>/dev/null && echo wrote; echo done";

    /// <summary>A rootfs whose / is 755, as an image's: the container's user 1000 must reach /bin.</summary>
    private static TestRootfs Rootfs()
    {
        var rootfs = TestRootfs.Create();
        if (OperatingSystem.IsLinux())
            File.SetUnixFileMode(rootfs.Path, (UnixFileMode)Convert.ToInt32("755", 8));
        return rootfs;
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task A_tmpfs_without_a_mode_over_an_image_directory_keeps_its_mode_and_owner(bool copyUp)
    {
        using var rootfs = Rootfs();
        var opt = Path.Combine(rootfs.Path, "opt");
        Directory.CreateDirectory(opt);
        if (OperatingSystem.IsLinux())
            File.SetUnixFileMode(opt, (UnixFileMode)Convert.ToInt32("750", 8));
        File.WriteAllText(Path.Combine(opt, "kept"), "x");
        string[] options = copyUp ? ["tmpcopyup"] : [];
        var r = await Run.ToCompletion(ContainerSpec.FromRootfs(rootfs.Path)
            .WithMounts(m => m.Add("/opt", "tmpfs", "tmpfs", options))
            .WithProcess(p => p.Args("/bin/sh", "-c", Probe).User(1000, 1000)));
        Assert.That(r.Stdout, Is.EqualTo("750 0 0\ndone\n"), r.Stderr);
    }

    [Test]
    public async Task A_tmpfs_with_a_mode_or_over_a_missing_directory_gets_that_mode_or_1777()
    {
        using var rootfs = Rootfs();
        Directory.CreateDirectory(Path.Combine(rootfs.Path, "opt"));
        var given = await Run.ToCompletion(ContainerSpec.FromRootfs(rootfs.Path)
            .WithMounts(m => m.Tmpfs("/opt", mode: Convert.ToUInt32("1770", 8), gid: 1000))
            .WithProcess(p => p.Args("/bin/sh", "-c", Probe).User(1000, 1000)));
        Assert.That(given.Stdout, Is.EqualTo("1770 0 1000\nwrote\ndone\n"), given.Stderr);
        var created = await Run.ToCompletion(ContainerSpec.FromRootfs(rootfs.Path)
            .WithMounts(m => m.Tmpfs("/opt/new"))
            .WithProcess(p => p.Args("/bin/sh", "-c", "stat -c '%a %u %g' /opt/new").User(1000, 1000)));
        Assert.That(created.Stdout, Is.EqualTo("1777 0 0\n"), created.Stderr);
    }
}
