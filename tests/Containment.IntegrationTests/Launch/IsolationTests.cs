using Containment.IntegrationTests.Support;
using Containment.Namespaces;

namespace Containment.IntegrationTests.Launch;

public class IsolationTests
{
    [Test]
    public async Task The_container_process_is_pid_1()
    {
        var r = await Run.Shell("echo $$");
        Assert.That(r.Stdout.Trim(), Is.EqualTo("1"));
    }

    [Test]
    public async Task The_container_sees_only_its_own_processes()
    {
        // echo is a shell builtin: no other process exists while the glob expands.
        var r = await Run.Shell("cd /proc && echo [0-9]*");
        Assert.That(r.Stdout.Trim(), Is.EqualTo("1"));
    }

    [Test]
    public async Task The_hostname_is_the_containers_own()
    {
        var r = await Run.Shell("hostname; cat /proc/sys/kernel/hostname", s => s.WithHostname("box-under-test"));
        Assert.That(r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "box-under-test", "box-under-test" }));
        Assert.That(System.Net.Dns.GetHostName(), Is.Not.EqualTo("box-under-test"));
    }

    [Test]
    public async Task A_mount_made_inside_is_invisible_outside()
    {
        var marker = "containment-marker-" + Guid.NewGuid().ToString("N")[..12];
        // Mounting needs CAP_SYS_ADMIN, which the default capability set leaves out.
        var r = await Run.Shell($"mkdir -p /tmp/m && mount -t tmpfs {marker} /tmp/m && grep -c {marker} /proc/self/mountinfo",
            s => s.WithCapabilities(c => c.Add(Capabilities.Capability.SysAdmin)));
        Assert.That(r.Stdout.Trim(), Is.EqualTo("1"), r.Stderr);
        Assert.That(File.ReadAllText("/proc/self/mountinfo"), Does.Not.Contain(marker));
    }

    [Test]
    public async Task A_new_network_namespace_has_only_lo_and_it_is_up()
    {
        var r = await Run.Shell("tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '; cat /sys/class/net/lo/operstate /sys/class/net/lo/flags");
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Is.EqualTo("lo"));
        Assert.That(lines, Has.Length.EqualTo(3), r.Stdout);
        Assert.That(Convert.ToInt32(lines[2], 16) & 1, Is.EqualTo(1), "IFF_UP");
    }

    [Test]
    public async Task Sharing_the_host_network_shows_the_host_interfaces()
    {
        var hostInterfaces = Directory.GetFileSystemEntries("/sys/class/net").Select(Path.GetFileName).Order().ToArray();
        var r = await Run.Shell("ls /sys/class/net", s => s.WithNamespaces(n => n.Without(NamespaceKind.Network)));
        Assert.That(r.Stdout.Split(new[] { '\n', ' ' }, StringSplitOptions.RemoveEmptyEntries).Order(), Is.EqualTo(hostInterfaces));
    }

    [Test]
    public async Task The_root_is_the_given_rootfs_and_host_files_outside_it_are_unreachable()
    {
        using var rootfs = TestRootfs.Create();
        var outside = Path.Combine(Path.GetTempPath(), "containment-outside-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(outside, "host secret");
        try
        {
            var spec = ContainerSpec.FromRootfs(rootfs.Path).WithProcess(p => p.Args("/bin/sh", "-c",
                $"cat /etc/marker; test -e {outside} && echo LEAK; test -e /../../..{outside} && echo LEAK2; ls /; cat /proc/1/root/etc/marker"));
            var r = await Run.ToCompletion(spec);
            Assert.That(r.Stdout, Does.StartWith("inside-rootfs\n"));
            Assert.That(r.Stdout, Does.Not.Contain("LEAK"));
            Assert.That(r.Stdout, Does.Not.Contain("usr"), "the host's / is not visible");
            Assert.That(r.Exit.ExitCode, Is.EqualTo(0), r.Stderr);
        }
        finally
        {
            File.Delete(outside);
        }
    }

    [Test]
    public async Task The_host_view_is_read_only_but_tmp_is_writable()
    {
        var r = await Run.Shell("touch /etc/containment-probe 2>&1; echo rc=$?; touch /tmp/ok && echo tmp-ok");
        Assert.That(r.Stdout, Does.Contain("Read-only file system"));
        Assert.That(r.Stdout, Does.Contain("tmp-ok"));
        Assert.That(File.Exists("/etc/containment-probe"), Is.False);
    }

    [Test]
    public async Task Default_devices_exist_with_the_right_types()
    {
        var r = await Run.Shell("for d in null zero full random urandom tty; do stat -c '%n %F %t:%T' /dev/$d; done; readlink /dev/ptmx /dev/fd");
        Assert.That(r.Stdout, Does.Contain("/dev/null character special file 1:3"));
        Assert.That(r.Stdout, Does.Contain("/dev/zero character special file 1:5"));
        Assert.That(r.Stdout, Does.Contain("/dev/urandom character special file 1:9"));
        Assert.That(r.Stdout, Does.Contain("/dev/tty character special file 5:0"));
        Assert.That(r.Stdout, Does.Contain("pts/ptmx"));
        Assert.That(r.Stdout, Does.Contain("/proc/self/fd"));
    }

    [Test]
    public async Task A_time_namespace_can_be_new()
    {
        var host = new FileInfo("/proc/self/ns/time").LinkTarget!;
        var r = await Run.Shell("readlink /proc/self/ns/time", s => s.WithNamespaces(n => n.With(NamespaceKind.Time)));
        Assert.That(r.Stdout.Trim(), Does.StartWith("time:["));
        Assert.That(r.Stdout.Trim(), Is.Not.EqualTo(host));
    }

    [Test]
    public async Task The_cgroup_namespace_is_rooted_at_the_containers_cgroup()
    {
        var r = await Run.Shell("readlink /proc/self/ns/cgroup; grep -c '::/$' /proc/self/cgroup");
        var hostNs = new FileInfo("/proc/self/ns/cgroup").LinkTarget!;
        Assert.That(r.Stdout, Does.Not.Contain(hostNs));
        Assert.That(r.Stdout.Split('\n')[1], Is.EqualTo("1"));
    }
}
