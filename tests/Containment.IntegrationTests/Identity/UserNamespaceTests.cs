using Containment.Capabilities;
using Containment.IntegrationTests.Support;
using Containment.Namespaces;

namespace Containment.IntegrationTests.Identity;

public class UserNamespaceTests
{
    private static ContainerSpec Mapped(ContainerSpec spec) =>
        spec.WithUserNamespace(u => u.MapUser(0, 100000, 65536).MapGroup(0, 100000, 65536));

    [Test]
    public async Task The_maps_read_back_inside_and_the_container_runs_as_its_root()
    {
        var r = await Run.Shell("cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups; id -u; id -g; " + ProcStatus.Print, Mapped);
        Assert.That(r.Exit.ExitCode, Is.EqualTo(0), r.Stderr);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "0", "100000", "65536" }));
        Assert.That(lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "0", "100000", "65536" }));
        Assert.That(lines[2], Is.EqualTo("allow"));
        Assert.That(lines[3..5], Is.EqualTo(new[] { "0", "0" }));
        var status = ProcStatus.Parse(string.Join('\n', lines[5..]));
        // No cgroup, so no device allow list: the default set without MKNOD (docs/security.md).
        Assert.That(status.Bounding, Is.EqualTo(CapabilitySet.Default.Remove(Capability.Mknod)));
        Assert.That(status.Effective, Is.EqualTo(CapabilitySet.Default.Remove(Capability.Mknod)));
    }

    [Test]
    public async Task The_container_root_is_the_mapped_uid_on_the_host()
    {
        using var rootfs = TestRootfs.Create();
        if (OperatingSystem.IsLinux())
        {
            // The container's root is uid 100000 on the host: it must be able to reach its rootfs.
            File.SetUnixFileMode(rootfs.Path, (UnixFileMode)0x1ed); // 755
            File.SetUnixFileMode(Path.Combine(rootfs.Path, "tmp"), (UnixFileMode)0x3ff); // 1777
        }
        var spec = Mapped(ContainerSpec.FromRootfs(rootfs.Path)).WithProcess(p => p.Args("/bin/sh", "-c", "touch /tmp/made-inside && stat -c %u:%g /tmp/made-inside"));
        var r = await Run.ToCompletion(spec);
        Assert.That(r.Stdout.Trim(), Is.EqualTo("0:0"), r.Stderr);
        var host = new FileInfo(Path.Combine(rootfs.Path, "tmp/made-inside"));
        var owner = await HostOwner(host.FullName);
        Assert.That(owner, Is.EqualTo("100000:100000"));
    }

    [Test]
    public async Task A_hard_limit_above_the_callers_is_raised_from_outside_the_new_user_namespace()
    {
        // Inside a new user namespace a hard limit cannot be raised (the kernel wants CAP_SYS_RESOURCE in the host's);
        // the monitor raises it from outside before the release, as runc does from its parent. Where the caller itself
        // lacks CAP_SYS_RESOURCE (this machine's sandbox), that outside step is the one that fails, naming the limit.
        var own = ulong.Parse(File.ReadLines("/proc/self/limits").Single(l => l.StartsWith("Max open files"))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[4]);
        var target = own + 1;
        Func<ContainerSpec, ContainerSpec> raised = s => Mapped(s).WithProcess(p => p.Rlimit(Containment.Identity.ResourceLimit.Nofile, 1024, target));
        if (Containment.Identity.HostCredentials.HasEffective(Capability.SysResource))
        {
            var r = await Run.Shell("ulimit -Hn", raised);
            Assert.That(r.Exit.ExitCode, Is.Zero, r.Stderr);
            Assert.That(r.Stdout, Is.EqualTo($"{target}\n"));
        }
        else
        {
            var e = Assert.ThrowsAsync<ContainerStartException>(() => Run.Shell("ulimit -Hn", raised));
            Assert.That(e!.Message, Does.Contain($"prlimit(RLIMIT_NOFILE=1024:{target}): EPERM").And.Contain("CAP_SYS_RESOURCE"));
        }
    }

    private static async Task<string> HostOwner(string path)
    {
        using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%u:%g", path]) { RedirectStandardOutput = true })!;
        var text = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        return text.Trim();
    }

    [Test]
    public async Task Several_ranges_are_mapped_in_order()
    {
        var r = await Run.Shell("cat /proc/self/uid_map; echo --; cat /proc/self/gid_map", s => s.WithUserNamespace(u => u
            .MapUser(0, 100000, 1000).MapUser(1000, 300000, 500).MapUser(5000, 400000, 10)
            .MapGroup(0, 100000, 2000).MapGroup(2000, 500000, 1)));
        Assert.That(r.Exit.ExitCode, Is.EqualTo(0), r.Stderr);
        var parts = r.Stdout.Split("--\n");
        string[][] Rows(string s) => s.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray();
        Assert.That(Rows(parts[0]), Is.EqualTo(new[] { new[] { "0", "100000", "1000" }, ["1000", "300000", "500"], ["5000", "400000", "10"] }));
        Assert.That(Rows(parts[1]), Is.EqualTo(new[] { new[] { "0", "100000", "2000" }, ["2000", "500000", "1"] }));
    }

    [Test]
    public async Task Devices_work_in_a_user_namespace_because_they_are_bound_from_the_host()
    {
        var r = await Run.Shell("echo x > /dev/null && head -c 4 /dev/zero | wc -c && stat -c '%t:%T' /dev/null /dev/urandom", Mapped);
        Assert.That(r.Exit.ExitCode, Is.EqualTo(0), r.Stderr);
        Assert.That(r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "4", "1:3", "1:9" }));
    }

    [Test]
    public async Task A_non_root_user_inside_runs_as_its_mapped_id()
    {
        var r = await Run.Shell("id -u; id -g; id -G; cat /proc/self/status | grep ^Uid", s => Mapped(s).WithProcess(p => p.User(1000, 1001, 2000)));
        Assert.That(r.Exit.ExitCode, Is.EqualTo(0), r.Stderr);
        Assert.That(r.Stdout, Does.StartWith("1000\n1001\n1001 2000\n"));
    }

    [Test]
    public async Task A_container_can_join_another_containers_user_namespace_by_path()
    {
        var holderSpec = Mapped(ContainerSpec.HostReadOnly()).WithProcess(p => p.Args("sleep", "30"));
        await using var holder = await ContainerProcess.StartAsync(holderSpec);
        var theirs = new FileInfo($"/proc/{holder.Pid}/ns/user").LinkTarget;
        var r = await Run.Shell("readlink /proc/self/ns/user; cat /proc/self/uid_map; id -u",
            s => s.WithNamespaces(n => n.Join(NamespaceKind.User, $"/proc/{holder.Pid}/ns/user")));
        Assert.That(r.Exit.ExitCode, Is.EqualTo(0), r.Stderr);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Is.EqualTo(theirs));
        Assert.That(lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "0", "100000", "65536" }));
        Assert.That(lines[2], Is.EqualTo("0"));
    }

    [Test]
    public async Task A_read_only_host_view_in_a_user_namespace_has_fresh_proc_and_tmp()
    {
        var r = await Run.Shell("cd /proc && echo [0-9]*; touch /tmp/x && echo tmp-ok; touch /etc/x 2>/dev/null || echo etc-ro", Mapped);
        Assert.That(r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "1", "tmp-ok", "etc-ro" }), r.Stderr);
    }

    [Test]
    public async Task Sharing_the_host_network_in_a_user_namespace_binds_the_hosts_sys_read_only()
    {
        var hostInterfaces = Directory.GetFileSystemEntries("/sys/class/net").Select(Path.GetFileName).Order().ToArray();
        var r = await Run.Shell("ls /sys/class/net; touch /sys/x 2>/dev/null || echo sys-ro", s => Mapped(s).WithNamespaces(n => n.Without(NamespaceKind.Network)));
        Assert.That(r.Exit.ExitCode, Is.EqualTo(0), r.Stderr);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[..^1].Order(), Is.EqualTo(hostInterfaces));
        Assert.That(lines[^1], Is.EqualTo("sys-ro"));
    }
}
