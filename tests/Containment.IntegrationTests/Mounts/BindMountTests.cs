using Containment.IntegrationTests.Support;
using Containment.Mounts;
using static Containment.IntegrationTests.Mounts.MountTestSupport;

namespace Containment.IntegrationTests.Mounts;

public class BindMountTests
{
    [Test]
    public async Task A_read_only_bind_refuses_writes_with_EROFS()
    {
        using var rootfs = TestRootfs.Create();
        var host = HostDir();
        try
        {
            File.WriteAllText(Path.Combine(host, "file"), "from host\n");
            var r = await Sh(rootfs, "cat /data/file; echo x > /data/new; echo rc=$?",
                s => s.WithMounts(m => m.Bind(host, "/data", readOnly: true)));
            Assert.That(r.Stdout, Is.EqualTo("from host\nrc=1\n"), r.Stderr);
            Assert.That(r.Stderr, Does.Contain("Read-only file system"));
            Assert.That(File.Exists(Path.Combine(host, "new")), Is.False);
        }
        finally
        {
            Directory.Delete(host, true);
        }
    }

    [Test]
    public async Task A_writable_bind_writes_through_to_the_host_and_a_file_binds_over_a_file()
    {
        using var rootfs = TestRootfs.Create();
        var host = HostDir();
        var file = Path.Combine(host, "single");
        File.WriteAllText(file, "one file\n");
        try
        {
            var r = await Sh(rootfs, "echo written > /data/out; cat /etc/single; test -f /etc/single && echo is-file",
                s => s.WithMounts(m => m.Bind(host, "/data").Bind(file, "/etc/single", readOnly: true, recursive: false)));
            Assert.That(r.Stdout, Is.EqualTo("one file\nis-file\n"), r.Stderr);
            Assert.That(File.ReadAllText(Path.Combine(host, "out")), Is.EqualTo("written\n"));
        }
        finally
        {
            Directory.Delete(host, true);
        }
    }

    [Test]
    public async Task Noexec_nodev_and_nosuid_hold_on_a_bind()
    {
        using var rootfs = TestRootfs.Create();
        var host = HostDir();
        try
        {
            File.Copy(TestRootfs.Busybox, Path.Combine(host, "busybox"));
            Host("/usr/bin/mknod", Path.Combine(host, "null"), "c", "1", "3");
            var r = await Sh(rootfs,
                "/x/busybox true; echo exec=$?; echo hi > /x/null; echo dev=$?; /y/busybox true; echo exec-allowed=$?; grep ' /x ' /proc/self/mountinfo",
                s => s.WithMounts(m => m
                    .Bind(host, "/x", flags: MountFlags.NoExec | MountFlags.NoDev | MountFlags.NoSuid)
                    .Bind(host, "/y")));
            var lines = r.Stdout.Split('\n');
            Assert.That(lines[0], Is.EqualTo("exec=126"), r.Stderr);
            Assert.That(lines[1], Is.EqualTo("dev=1"), r.Stderr);
            Assert.That(lines[2], Is.EqualTo("exec-allowed=0"), r.Stderr);
            Assert.That(MountOptionsIn(r.Stdout, "/x"), Is.SupersetOf(new[] { "nosuid", "nodev", "noexec" }));
        }
        finally
        {
            Directory.Delete(host, true);
        }
    }

    [TestCase("noatime", "noatime")]
    [TestCase("strictatime", null)]
    [TestCase("relatime", "relatime")]
    [TestCase("nodiratime", "nodiratime")]
    [TestCase("nosymfollow", "nosymfollow")]
    public async Task Atime_and_other_flags_reach_the_mount(string option, string? shown)
    {
        using var rootfs = TestRootfs.Create();
        var host = HostDir();
        try
        {
            var r = await Sh(rootfs, "grep ' /x ' /proc/self/mountinfo", s => s.WithMounts(m => m.Add("/x", "bind", host, "rbind", option)));
            var options = MountOptionsIn(r.Stdout, "/x");
            if (shown is null)
                Assert.That(options, Has.None.EqualTo("relatime").And.None.EqualTo("noatime"), r.Stdout);
            else
                Assert.That(options, Does.Contain(shown), r.Stdout + r.Stderr);
        }
        finally
        {
            Directory.Delete(host, true);
        }
    }

    [Test]
    public async Task Recursive_read_only_holds_on_submounts_and_plain_ro_does_not()
    {
        using var rootfs = TestRootfs.Create();
        var host = HostDir();
        var sub = Path.Combine(host, "sub");
        Directory.CreateDirectory(sub);
        try
        {
            Host("/usr/bin/mount", "-t", "tmpfs", "containment-rro-test", sub);
            var r = await Sh(rootfs, "echo a > /rro/sub/f; echo rro=$?; echo a > /ro/sub/f; echo ro=$?; echo a > /ro/top; echo top=$?",
                s => s.WithMounts(m => m.Bind(host, "/rro", readOnly: true).Add("/ro", "bind", host, "rbind", "ro")));
            Assert.That(r.Stdout, Is.EqualTo("rro=1\nro=0\ntop=1\n"), r.Stderr);
        }
        finally
        {
            Unmount(sub);
            Directory.Delete(host, true);
        }
    }

    [Test]
    public async Task A_host_mount_under_an_rslave_bind_appears_inside_and_not_the_reverse()
    {
        using var rootfs = TestRootfs.Create();
        var host = HostDir("shared");
        var sub = Path.Combine(host, "from-host");
        Directory.CreateDirectory(sub);
        try
        {
            // A shared mount of our own on the host: the bind inside becomes its slave.
            Host("/usr/bin/mount", "--bind", host, host);
            Host("/usr/bin/mount", "--make-shared", host);
            var spec = ContainerSpec.FromRootfs(rootfs.Path)
                .WithMounts(m => m.Bind(host, "/shared", propagation: MountPropagation.RSlave))
                .WithProcess(p => p.Args("/bin/sh", "-c",
                    "mkdir -p /shared/from-inside; mount -t tmpfs inside /shared/from-inside; echo ready > /shared/ready; " +
                    "for i in $(seq 1 100); do test -f /shared/from-host/marker && break; sleep 0.05; done; cat /shared/from-host/marker"));
            using var cts = new CancellationTokenSource(Run.Timeout);
            await using var c = await ContainerProcess.StartAsync(spec, cancellationToken: cts.Token);
            var stdout = c.StandardOutput!.ReadToEndAsync(cts.Token);
            for (var i = 0; i < 100 && !File.Exists(Path.Combine(host, "ready")); i++)
                await Task.Delay(20);
            Host("/usr/bin/mount", "-t", "tmpfs", "containment-propagation-test", sub);
            File.WriteAllText(Path.Combine(sub, "marker"), "seen inside\n");
            var exit = await c.WaitForExitAsync(cts.Token);
            Assert.That(await stdout, Is.EqualTo("seen inside\n"));
            Assert.That(exit.ExitCode, Is.EqualTo(0));
            Assert.That(HostSnapshot.MountPoints(), Has.None.EqualTo(Path.Combine(host, "from-inside")), "the container's mount stays inside");
        }
        finally
        {
            Unmount(sub);
            Unmount(host);
            Directory.Delete(host, true);
        }
    }
}
