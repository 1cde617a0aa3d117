using Containment.IntegrationTests.Support;
using Containment.Mounts;
using static Containment.IntegrationTests.Mounts.MountTestSupport;

namespace Containment.IntegrationTests.Mounts;

public class FilesystemMountTests
{
    [Test]
    public async Task A_tmpfs_size_limit_holds_and_its_mode_and_owner_are_set()
    {
        using var rootfs = TestRootfs.Create();
        var r = await Sh(rootfs, "stat -c '%a %u %g' /t; dd if=/dev/zero of=/t/f bs=1024 count=2048 2>&1; echo rc=$?; du -k /t/f",
            s => s.WithMounts(m => m.Tmpfs("/t", size: 1 << 20, mode: 0x1c0 /* 0700 */, uid: 1234, gid: 4321)));
        Assert.That(r.Stdout, Does.StartWith("700 1234 4321\n"), r.Stderr);
        Assert.That(r.Stdout, Does.Contain("No space left on device"));
        Assert.That(r.Stdout, Does.Contain("rc=1"));
        Assert.That(r.Stdout.TrimEnd(), Does.EndWith("1024\t/t/f"));
    }

    [Test]
    public async Task Proc_sysfs_mqueue_and_devpts_mount_where_asked()
    {
        using var rootfs = TestRootfs.Create();
        var r = await Sh(rootfs,
            "cut -d' ' -f1 /p/1/stat; test -d /s/class/net && echo sysfs; echo x > /s/x 2>/dev/null || echo sysfs-ro; " +
            "grep -c ' /mq ' /proc/self/mountinfo; stat -c '%a' /pts/ptmx",
            s => s.WithMounts(m => m.Proc("/p").Sysfs("/s").Mqueue("/mq").Devpts("/pts", ptmxMode: 0x180 /* 0600 */)));
        Assert.That(r.Stdout, Is.EqualTo("1\nsysfs\nsysfs-ro\n1\n600\n"), r.Stderr);
    }

    [Test]
    public async Task The_cgroup_mount_shows_the_containers_own_cgroup_read_only()
    {
        using var rootfs = TestRootfs.Create();
        var r = await Sh(rootfs, "cat /proc/self/cgroup | grep memory; ls /sys/fs/cgroup; test -f /sys/fs/cgroup/memory/memory.limit_in_bytes && echo memory-ok; " +
                                 "mkdir /sys/fs/cgroup/memory/x 2>/dev/null || echo read-only",
            s => s.WithMounts(m => m.Cgroup()));
        Assert.That(r.Stdout, Does.Contain("memory-ok").And.Contain("read-only"), r.Stderr);
        Assert.That(r.Stdout.Split('\n')[0], Does.EndWith(":/"), "the namespaced view starts at the container's cgroup");
    }

    [Test]
    public async Task Without_a_cgroup_namespace_the_cgroup_mount_binds_the_containers_own_cgroup_read_only()
    {
        using var rootfs = TestRootfs.Create();
        var r = await Sh(rootfs, "cat /sys/fs/cgroup/memory/memory.limit_in_bytes; cat /sys/fs/cgroup/pids/pids.max; " +
                                 "grep -c \"^$$\\$\" /sys/fs/cgroup/memory/cgroup.procs; ls /sys/fs/cgroup/memory | grep -c '^containment$'; " +
                                 "mkdir /sys/fs/cgroup/memory/x 2>/dev/null || echo read-only",
            s => s.WithNamespaces(n => n.Without(Containment.Namespaces.NamespaceKind.Cgroup))
                  .WithCgroup(c => c.MemoryMax(64 << 20).PidsMax(33)).WithMounts(m => m.Cgroup()));
        // The container's own limits, itself among the procs, nothing of the hierarchy above it.
        Assert.That(r.Stdout, Is.EqualTo($"{64 << 20}\n33\n1\n0\nread-only\n"), r.Stderr);
    }

    [Test]
    public async Task Tmpcopyup_copies_the_images_content_into_the_tmpfs_with_modes_owners_and_links()
    {
        using var rootfs = TestRootfs.Create();
        var data = Path.Combine(rootfs.Path, "data");
        Directory.CreateDirectory(Path.Combine(data, "sub"));
        File.WriteAllText(Path.Combine(data, "sub", "file"), "from-the-image\n");
        File.CreateSymbolicLink(Path.Combine(data, "link"), "/etc/marker");
        Host("/bin/chown", "-R", "1000:1001", data);
        Host("/bin/chmod", "640", Path.Combine(data, "sub", "file"));
        Host("/usr/bin/mkfifo", Path.Combine(data, "fifo"));
        var r = await Sh(rootfs, "cat /data/sub/file; stat -c '%a %u:%g' /data/sub/file; stat -c '%u:%g' /data/sub; readlink /data/link; " +
                                 "stat -c %F /data/fifo; grep ' /data ' /proc/self/mountinfo | cut -d' ' -f9; echo new > /data/sub/new && echo written",
            s => s.WithMounts(m => m.Add(new Mount("/data", "tmpfs", "tmpfs", "nosuid", "tmpcopyup"))));
        Assert.That(r.Stdout, Is.EqualTo("from-the-image\n640 1000:1001\n1000:1001\n/etc/marker\nfifo\ntmpfs\nwritten\n"), r.Stderr);
        Assert.That(File.Exists(Path.Combine(data, "sub", "new")), Is.False, "the write went to the tmpfs, not the image");
    }

    [Test]
    public async Task A_read_only_tmpcopyup_is_filled_then_read_only()
    {
        using var rootfs = TestRootfs.Create();
        var r = await Sh(rootfs, "cat /etc/marker; touch /etc/x 2>&1 | grep -c 'Read-only'",
            s => s.WithMounts(m => m.Add(new Mount("/etc", "tmpfs", "tmpfs", "tmpcopyup", "ro"))));
        Assert.That(r.Stdout, Is.EqualTo("inside-rootfs\n1\n"), r.Stderr);
    }

    [Test]
    public async Task An_overlay_writes_to_its_upper_layer()
    {
        using var rootfs = TestRootfs.Create();
        var host = HostDir("overlay");
        try
        {
            foreach (var d in new[] { "lower", "upper", "work" })
                Directory.CreateDirectory(Path.Combine(host, d));
            File.WriteAllText(Path.Combine(host, "lower/base"), "lower\n");
            var r = await Sh(rootfs, "cat /o/base; echo new > /o/added",
                s => s.WithMounts(m => m.Overlay("/o", [Path.Combine(host, "lower")], Path.Combine(host, "upper"), Path.Combine(host, "work"))));
            Assert.That(r.Stdout, Is.EqualTo("lower\n"), r.Stderr);
            Assert.That(File.ReadAllText(Path.Combine(host, "upper/added")), Is.EqualTo("new\n"));
            Assert.That(File.Exists(Path.Combine(host, "lower/added")), Is.False);
        }
        finally
        {
            Directory.Delete(host, true);
        }
    }

    [Test]
    public async Task An_OCI_style_entry_passes_unknown_options_to_the_filesystem()
    {
        using var rootfs = TestRootfs.Create();
        var r = await Sh(rootfs, "grep ' /t ' /proc/self/mountinfo",
            s => s.WithMounts(m => m.Add(new Mount("/t", "tmpfs", "tmpfs", "nosuid", "noexec", "mode=711", "size=65536k", "nr_inodes=1000"))));
        Assert.That(r.Stdout, Does.Contain("mode=711").And.Contain("nr_inodes=1000").And.Contain("size=65536k"), r.Stderr);
        Assert.That(MountOptionsIn(r.Stdout, "/t"), Is.SupersetOf(new[] { "nosuid", "noexec" }));
    }
}
