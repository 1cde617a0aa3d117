using System.Diagnostics;
using Containment.IntegrationTests.Support;
using Containment.Namespaces;

namespace Containment.IntegrationTests.Escapes;

/// <summary>
/// The runtime's own writes into /proc, and mounts that land on procfs or sysfs: a procfs file bound over a sysctl's
/// path would take the sysctl's value (an fstatfs check says "procfs" for any procfs file), and an image symlink on the
/// way to a mount destination could put a configured mount onto /proc or /sys.
/// </summary>
public class ProcfsTargetTests
{
    [Test]
    public async Task A_procfs_file_bound_over_a_sysctl_does_not_take_the_write()
    {
        // The bound file is the oom_score_adj of a process of this test: harmless to change, and its value shows the write.
        using var bystander = Process.Start("sleep", "60")!;
        var oom = $"/proc/{bystander.Id}/oom_score_adj";
        var before = File.ReadAllText(oom).Trim();
        Assume.That(before, Is.Not.EqualTo("1"));
        try
        {
            using var rootfs = TestRootfs.Create();
            var spec = ContainerSpec.FromRootfs(rootfs.Path).WithNamespaces(n => n.With(NamespaceKind.Network))
                .WithMounts(m => m.Bind(oom, "/proc/sys/net/ipv4/ip_forward"))
                .WithSysctl("net.ipv4.ip_forward", "1")
                .WithProcess(p => p.Args("/bin/true"));
            var error = Assert.ThrowsAsync<ContainerStartException>(() => Run.ToCompletion(spec));
            TestContext.Out.WriteLine(error!.Message);
            Assert.That(error.Message, Does.Contain("/proc/sys/net/ipv4/ip_forward"));
            Assert.That(File.ReadAllText(oom).Trim(), Is.EqualTo(before), "the sysctl's value went into the bound procfs file");
        }
        finally
        {
            bystander.Kill();
        }
    }

    [TestCase("/proc/sys/kernel")]
    [TestCase("/sys/kernel")]
    public async Task A_mount_destination_that_resolves_onto_procfs_or_sysfs_through_a_symlink_is_refused(string target)
    {
        using var rootfs = TestRootfs.Create();
        File.CreateSymbolicLink(Path.Combine(rootfs.Path, "data"), target);
        var spec = ContainerSpec.FromRootfs(rootfs.Path).WithMounts(m => m.Tmpfs("/data"))
            .WithProcess(p => p.Args("/bin/sh", "-c", $"ls {target} | head -3"));
        var error = Assert.ThrowsAsync<ContainerStartException>(() => Run.ToCompletion(spec), $"a tmpfs was mounted over {target}");
        TestContext.Out.WriteLine(error!.Message);
        Assert.That(error.Message, Does.Contain("/data"));
    }
}
