using Containment.Interop;
using Containment.Launch;
using Containment.Mounts;

namespace Containment.Tests.Launch;

/// <summary>Issue 15, trap 8: a failed start speaks the user's terms.</summary>
public class StartFailureTests
{
    private static ContainerStartException FailAt(ContainerSpec spec, string stepText, int errno)
    {
        var plan = PlanCompiler.Compile(spec, new LaunchInputs(), () => [new("usr", HostRootEntryKind.Directory), new("etc", HostRootEntryKind.Directory), new("tmp", HostRootEntryKind.Directory)]);
        var step = plan.Steps.Select(s => s.ToString()).ToList().FindIndex(s => s.Contains(stepText, StringComparison.Ordinal));
        Assert.That(step, Is.GreaterThanOrEqualTo(0), string.Join("\n", plan.Steps));
        return StartFailure.Describe(plan, new ExecutorMessage(MessageKind.Error, step, errno, 0), spec);
    }

    [Test]
    public void A_failed_mount_is_named_by_its_destination_and_its_index_among_the_users_mounts()
    {
        var spec = ContainerSpec.FromRootfs("/srv/rootfs").WithProcess(p => p.Args("sh"))
            .WithMounts(m => m.Tmpfs("/scratch").Bind("/srv/data", "/data"));
        var e = FailAt(spec, "on /data", Errno.ENOENT);
        Assert.That(e.Message, Does.StartWith("container start failed: mount(bind /srv/data on /data, your mount 1): ENOENT"));
        Assert.That(e.Message, Does.Not.Contain("step"));
        Assert.That(e.Step, Is.GreaterThan(0));
    }

    [Test]
    public void A_standard_mount_says_it_is_one()
    {
        var e = FailAt(ContainerSpec.FromRootfs("/srv/rootfs").WithProcess(p => p.Args("sh")), "proc on /proc", Errno.EPERM);
        Assert.That(e.Message, Does.StartWith("container start failed: mount(proc on /proc, a standard mount): EPERM"));
    }

    [Test]
    public void EROFS_on_a_read_only_root_says_so_and_what_to_do()
    {
        var spec = ContainerSpec.HostReadOnly().WithProcess(p => p.Args("sh")).WithMounts(m => m.Tmpfs("/sandbox"));
        var e = FailAt(spec, "on /sandbox", Errno.EROFS);
        Assert.That(e.Message, Does.Contain("your mount 0").And.Contain("read-only view of the host").And.Contain("/sandbox cannot be created"));
        Assert.That(e.Hint, Does.Contain("mount at a path that exists"));
    }
}
