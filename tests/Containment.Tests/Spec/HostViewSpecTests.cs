using Containment.Mounts;

namespace Containment.Tests.Spec;

public class HostViewSpecTests
{
    [Test]
    public void The_callers_private_places_are_read_from_the_environment()
    {
        var tmp = Environment.GetEnvironmentVariable("TMPDIR");
        var runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        try
        {
            Environment.SetEnvironmentVariable("TMPDIR", "/home/u/tmp/");
            Environment.SetEnvironmentVariable("XDG_RUNTIME_DIR", "relative/ignored");
            Assert.That(RootfsSpec.HostReadOnly.CallerPrivatePaths(), Is.EqualTo(new[] { "/home/u/tmp", "/var/tmp" }));
        }
        finally
        {
            Environment.SetEnvironmentVariable("TMPDIR", tmp);
            Environment.SetEnvironmentVariable("XDG_RUNTIME_DIR", runtime);
        }
    }

    [Test]
    public void Sizes_must_be_positive_and_hidden_paths_absolute()
    {
        var spec = ContainerSpec.HostReadOnly(v => v.WithTmpSize(0).WithRunSize(-1).Hide("relative")).WithProcess(p => p.Args("true"));
        Assert.That(spec.Validate().Select(e => e.Field), Is.EquivalentTo(new[] { "rootfs.tmpSize", "rootfs.runSize", "rootfs.hiddenPaths" }));
    }

    [Test]
    public void Hidden_paths_in_the_fresh_trees_or_replaced_by_a_mount_or_missing_need_no_cover()
    {
        var view = new RootfsSpec.HostReadOnly { HiddenPaths = ["/tmp/x", "/run/user/1000", "/etc/", "/usr", "/no/such/dir", "/"] };
        var spec = ContainerSpec.HostReadOnly().WithMounts(m => m.Tmpfs("/usr"));
        Assert.That(HostViewPlanner.HiddenDirectories(spec, view), Is.EqualTo(new[] { "/etc" }));
    }

    [Test]
    public void Host_views_compare_by_value()
    {
        Assert.That(new RootfsSpec.HostReadOnly().Hide("/a"), Is.EqualTo(new RootfsSpec.HostReadOnly().Hide("/a")));
        Assert.That(new RootfsSpec.HostReadOnly().WithTmpSize(1), Is.Not.EqualTo(new RootfsSpec.HostReadOnly()));
    }

    [Test]
    public void An_init_is_refused_for_a_process_joining_a_running_container()
    {
        var errors = ContainerSpec.JoinRunning(Environment.ProcessId).WithInit().WithProcess(p => p.Args("true")).Validate();
        Assert.That(errors.Select(e => e.Field), Does.Contain("init"));
    }
}
