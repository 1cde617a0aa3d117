using Containment.Mounts;
using Containment.Launch;
using Containment.Namespaces;

namespace Containment.Tests.Launch;

public class PlanCompilerTests
{
    private static List<string> Steps(ContainerSpec spec, LaunchInputs? inputs = null) =>
        PlanCompiler.Compile(spec, inputs ?? new LaunchInputs(), () => HostRoot)
            .Steps.Select(s => s.ToString()).ToList();

    private static readonly HostRootEntry[] HostRoot =
    [
        new("bin", HostRootEntryKind.Symlink, "usr/bin"), new("dev", HostRootEntryKind.Directory), new("etc", HostRootEntryKind.Directory),
        new("home", HostRootEntryKind.Directory), new("proc", HostRootEntryKind.Directory), new("run", HostRootEntryKind.Directory),
        new("swapfile", HostRootEntryKind.File), new("sys", HostRootEntryKind.Directory), new("tmp", HostRootEntryKind.Directory),
        new("usr", HostRootEntryKind.Directory),
    ];

    private static ContainerSpec Spec => ContainerSpec.FromRootfs("/srv/rootfs").WithHostname("box").WithProcess(p => p.Args("sh"));

    [Test]
    public void The_clone_comes_first_and_the_exec_last()
    {
        var steps = Steps(Spec);
        Assert.That(steps[0], Does.StartWith("clone3("));
        Assert.That(steps[^1], Does.StartWith("execve("));
    }

    [Test]
    public void The_child_waits_for_release_before_any_setup()
    {
        var steps = Steps(Spec);
        var release = steps.IndexOf("send(release)");
        var wait = steps.IndexOf("recv(release)");
        var firstMount = steps.FindIndex(s => s.StartsWith("mount("));
        Assert.That(release, Is.GreaterThan(0));
        Assert.That(wait, Is.GreaterThan(release));
        Assert.That(firstMount, Is.GreaterThan(wait));
    }

    [Test]
    public void Root_propagation_is_made_private_before_the_rootfs_is_bound_and_pivoted_into()
    {
        var steps = Steps(Spec);
        var priv = steps.IndexOf("mount(make / rprivate)");
        var bind = steps.IndexOf("mount(bind rootfs /srv/rootfs)");
        var pivot = steps.IndexOf("pivot_root(/srv/rootfs)");
        Assert.That(priv, Is.GreaterThanOrEqualTo(0));
        Assert.That(bind, Is.GreaterThan(priv));
        Assert.That(pivot, Is.GreaterThan(bind));
        var firstProtected = steps.FindIndex(s => s.StartsWith("mount(read-only ") || s.StartsWith("mount(mask "));
        Assert.That(steps.Take(firstProtected).ToList().FindLastIndex(s => s.StartsWith("mount(")), Is.LessThan(pivot),
            "every mount but the read-only and masked paths (which follow the sysctls) happens before pivot_root");
        Assert.That(firstProtected, Is.GreaterThan(pivot));
    }

    [Test]
    public void Hostname_loopback_and_chdir_follow_the_pivot()
    {
        var steps = Steps(Spec);
        var pivot = steps.IndexOf("pivot_root(/srv/rootfs)");
        Assert.That(steps.IndexOf("sethostname(box)"), Is.GreaterThan(pivot));
        Assert.That(steps.IndexOf("ioctl(SIOCSIFFLAGS)(lo)"), Is.GreaterThan(pivot));
        Assert.That(steps.IndexOf("chdir(/)"), Is.GreaterThan(pivot));
    }

    [Test]
    public void Descriptors_are_closed_just_before_the_filter_and_exec()
    {
        var steps = Steps(Spec);
        Assert.That(steps[^2], Does.StartWith("seccomp("));
        Assert.That(steps[^3], Is.EqualTo("close_range(3..)"));
        Assert.That(steps[^4], Is.EqualTo("dup2(standard streams)"));
    }

    [Test]
    public void Without_a_network_namespace_lo_is_left_alone()
    {
        var steps = Steps(Spec.WithNamespaces(n => n.Without(NamespaceKind.Network)));
        Assert.That(steps, Has.None.StartsWith("ioctl(SIOCSIFFLAGS)"));
    }

    [Test]
    public void Cgroup_and_time_namespaces_are_unshared_by_the_child_not_cloned()
    {
        var spec = Spec.WithNamespaces(n => n.With(NamespaceKind.Time));
        var flags = PlanCompiler.CloneFlags(spec.Namespaces);
        Assert.That(flags & NamespaceFlags.CLONE_NEWCGROUP, Is.Zero);
        Assert.That(flags & NamespaceFlags.CLONE_NEWTIME, Is.Zero);
        Assert.That(flags & NamespaceFlags.CLONE_NEWPID, Is.Not.Zero);
        var steps = Steps(spec);
        Assert.That(steps.IndexOf("unshare(cgroup namespace)"), Is.GreaterThan(steps.IndexOf("recv(release)")));
        Assert.That(steps, Does.Contain("unshare(time namespace)"));
    }

    [Test]
    public void A_v1_cgroup_is_joined_by_the_child_itself_before_anything_else_it_does()
    {
        using var tasks = File.OpenHandle("/dev/null");
        var inputs = new LaunchInputs();
        inputs.CgroupTasks.AddRange([tasks, tasks]);
        var steps = Steps(Spec.WithNamespaces(n => n.Without(NamespaceKind.Cgroup)), inputs);
        var join = steps.IndexOf("write(tasks)");
        Assert.That(join, Is.EqualTo(steps.FindIndex(s => s.StartsWith("clone3(")) + 1), "the child's first step");
        Assert.That(steps, Has.None.EqualTo("write(cgroup.procs)"));
        Assert.That(steps.Count(s => s == "send(release)"), Is.EqualTo(1));
        Assert.That(join, Is.LessThan(steps.FindIndex(s => s.StartsWith("mount("))));
    }

    [Test]
    public void A_new_cgroup_namespace_is_unshared_after_the_childs_own_join_and_before_its_mounts()
    {
        using var tasks = File.OpenHandle("/dev/null");
        var inputs = new LaunchInputs();
        inputs.CgroupTasks.Add(tasks);
        var steps = Steps(Spec.WithNamespaces(n => n.With(NamespaceKind.Cgroup)).WithMounts(m => m.Cgroup()), inputs);
        Assert.That(steps.IndexOf("unshare(cgroup namespace)"), Is.GreaterThan(steps.IndexOf("write(tasks)")));
        Assert.That(steps.IndexOf("unshare(cgroup namespace)"), Is.LessThan(steps.FindIndex(s => s.StartsWith("mount("))));
    }

    [Test]
    public void A_rootless_cgroup_is_joined_by_the_monitor_before_the_release()
    {
        using var procs = File.OpenHandle("/dev/null");
        var inputs = new LaunchInputs();
        inputs.CgroupProcs.Add(procs);
        var steps = Steps(Spec, inputs);
        Assert.That(steps.IndexOf("write(cgroup.procs)"), Is.GreaterThan(0).And.LessThan(steps.IndexOf("send(release)")));
        Assert.That(steps, Has.None.EqualTo("write(tasks)"));
    }

    [Test]
    public void A_host_view_is_a_tmpfs_root_with_the_hosts_top_level_entries_bound_read_only_and_fresh_pseudo_trees()
    {
        var steps = Steps(ContainerSpec.HostReadOnly(v => v with { HiddenPaths = [] }).WithProcess(p => p.Args("sh")));
        var root = steps.IndexOf("mount(tmpfs root of the host view, stacked on /)");
        Assert.That(root, Is.GreaterThan(steps.IndexOf("mount(make / rprivate)")));
        Assert.That(steps.IndexOf("mount(bind host /usr on /usr)"), Is.GreaterThan(root));
        Assert.That(steps, Does.Contain("mount(bind host /etc on /etc)").And.Contain("mount(bind host /home on /home)")
            .And.Contain("mount(bind host /swapfile on /swapfile)").And.Contain("symlink(/bin -> usr/bin)"));
        Assert.That(steps.Where(s => s.StartsWith("mount(bind host /proc") || s.StartsWith("mount(bind host /sys")
            || s.StartsWith("mount(bind host /dev") || s.StartsWith("mount(bind host /tmp") || s.StartsWith("mount(bind host /run")), Is.Empty);
        var tmp = steps.IndexOf("mount(tmpfs on /tmp)");
        Assert.That(tmp, Is.GreaterThan(root).And.LessThan(steps.IndexOf("mount(proc on /proc)")), "the defaults come before the spec's mounts");
        Assert.That(steps.IndexOf("pivot_root(the host view)"), Is.GreaterThan(tmp));
        Assert.That(steps.IndexOf("mount_setattr(/)"), Is.GreaterThan(steps.IndexOf("pivot_root(the host view)")), "the root is made read-only last");
        Assert.That(steps, Has.None.StartsWith("umount2("));
    }

    [Test]
    public void A_user_mount_replaces_the_host_views_default_at_the_same_path()
    {
        var steps = Steps(ContainerSpec.HostReadOnly(v => v with { HiddenPaths = [] })
            .WithMounts(m => m.Tmpfs("/tmp", size: 1 << 20).Tmpfs("/home")).WithProcess(p => p.Args("sh")));
        Assert.That(steps.Count(s => s == "mount(tmpfs on /tmp)"), Is.EqualTo(1));
        Assert.That(steps.Count(s => s == "mount(tmpfs on /home)"), Is.EqualTo(1));
        Assert.That(steps, Has.None.EqualTo("mount(bind host /home on /home)"));
        Assert.That(steps, Does.Contain("mount(tmpfs on /run)"));
    }

    [Test]
    public void The_init_forks_last_before_the_exec_after_the_seccomp_filter_and_the_user_switch()
    {
        var steps = Steps(Spec.WithInit().WithProcess(p => p.User(1000, 1000)));
        Assert.That(steps[^2], Is.EqualTo("fork(the init (PID 1), the program its child)"));
        Assert.That(steps.FindLastIndex(s => s.StartsWith("seccomp", StringComparison.Ordinal)), Is.LessThan(steps.Count - 2));
        Assert.That(steps.FindLastIndex(s => s.StartsWith("setresuid", StringComparison.Ordinal)), Is.LessThan(steps.Count - 2));
        Assert.That(Steps(Spec), Has.None.StartsWith("fork("));
    }

    [Test]
    public void A_detached_child_gets_no_parent_death_signal()
    {
        Assert.That(Steps(Spec), Does.Contain("prctl(PR_SET_PDEATHSIG)"));
        Assert.That(Steps(Spec, new LaunchInputs { Detached = true }), Does.Not.Contain("prctl(PR_SET_PDEATHSIG)"));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void The_child_is_not_dumpable_before_its_capabilities_drop_or_its_filter_loads(bool joined)
    {
        var spec = joined ? ContainerSpec.JoinRunning(Environment.ProcessId).WithProcess(p => p.Args("true")) : Spec;
        var steps = Steps(spec);
        var dumpable = steps.IndexOf("prctl(PR_SET_DUMPABLE)");
        Assert.That(dumpable, Is.GreaterThan(steps.FindIndex(s => s.StartsWith("clone", StringComparison.Ordinal))));
        Assert.That(dumpable, Is.LessThan(steps.FindIndex(s => s.StartsWith("capset(", StringComparison.Ordinal))));
        Assert.That(dumpable, Is.LessThan(steps.FindIndex(s => s.StartsWith("seccomp", StringComparison.Ordinal))));
    }

    [Test]
    public void An_injected_failure_takes_the_place_of_its_step()
    {
        var steps = Steps(Spec, new LaunchInputs { FailAtStep = 4 });
        Assert.That(steps[4], Is.EqualTo("test-fail(injected)"));
    }

    [TestCase("/bin/sh", "PATH=/x", new[] { "/bin/sh" })]
    [TestCase("sh", "PATH=/usr/bin:/bin", new[] { "/usr/bin/sh", "/bin/sh" })]
    [TestCase("sh", "PATH=/a/:", new[] { "/a/sh", "./sh" })]
    public void The_program_is_looked_up_like_execvp(string program, string path, string[] expected)
    {
        var process = new ProcessSpec { Args = [program], Env = [path] };
        Assert.That(PlanCompiler.ExecCandidates(process), Is.EqualTo(expected));
    }
}
