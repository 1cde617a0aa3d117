using Containment.Cgroups;
using Containment.Launch;
using Containment.Mounts;

namespace Containment.Tests.Mounts;

public class MountPlanTests
{
    private static List<string> Steps(ContainerSpec spec) =>
        PlanCompiler.Compile(spec, new LaunchInputs()).Steps.Select(s => s.ToString()).ToList();

    private static readonly ContainerSpec Spec = ContainerSpec.FromRootfs("/srv/rootfs").WithProcess(p => p.Args("sh"));

    [Test]
    public void Mounts_and_devices_before_the_pivot_then_sysctls_read_only_paths_masks_and_the_read_only_root()
    {
        var steps = Steps(Spec.WithReadOnlyRootfs().WithMounts(m => m.Tmpfs("/tmp")).WithSysctl("net.ipv4.ip_forward", "1"));
        int At(string s) => steps.IndexOf(s) is var i and >= 0 ? i : throw new AssertionException($"no step {s} in\n{string.Join("\n", steps)}");
        var order = new[]
        {
            At("mount(bind rootfs /srv/rootfs)"), At("open(/srv/rootfs)"), At("mount(proc on /proc)"), At("mount(tmpfs on /dev)"),
            At("mount(sysfs on /sys)"), At("mount(tmpfs on /tmp)"), At("mknod(/dev/null)"), At("symlink(/dev/ptmx -> pts/ptmx)"),
            At("pivot_root(/srv/rootfs)"), At("write(/proc/sys/net/ipv4/ip_forward)"),
            At("mount(read-only /proc/sys)"), At("open(/dev/null as the null device (char 1:3))"), At("mount(mask /proc/kcore)"),
            At("mount_setattr(/)"), At("setresuid(0)"),
        };
        Assert.That(order, Is.Ordered.Ascending);
    }

    [Test]
    public void Without_masked_paths_the_null_device_is_not_opened()
    {
        var steps = Steps(Spec.WithMaskedPaths().WithReadonlyPaths());
        Assert.That(steps, Has.None.Contains("null device").And.None.Contains("mask ").And.None.Contains("read-only /"));
    }

    [Test]
    public void Devices_by_bind_replace_mknod()
    {
        var steps = Steps(Spec.WithFilesystem(f => f.WithDevicesByBind()).WithDevice("/dev/fuse", DeviceNodeType.Char, 10, 229));
        Assert.That(steps, Has.None.StartsWith("mknod("));
        Assert.That(steps, Does.Contain("mount(bind host /dev/null)").And.Contain("mount(bind host /dev/fuse)"));
    }

    [Test]
    public void A_bind_over_dev_means_no_device_nodes_or_links_are_made()
    {
        var steps = Steps(Spec.WithMounts(m => m.Remove("/dev").Bind("/dev", "/dev")));
        Assert.That(steps, Has.None.StartsWith("mknod(").And.None.StartsWith("symlink(/dev/"));
    }

    [Test]
    public void The_root_propagation_step_names_the_chosen_propagation()
    {
        Assert.That(Steps(Spec), Does.Contain("mount(make / rprivate)"));
        Assert.That(Steps(Spec.WithRootfsPropagation(MountPropagation.RSlave)), Does.Contain("mount(make / rslave)"));
    }

    [TestCase(MountPropagation.Shared, "rslave", "shared")]
    [TestCase(MountPropagation.RShared, "rslave", "rshared")]
    [TestCase(MountPropagation.Slave, "rslave", "slave")]
    [TestCase(MountPropagation.Private, "rprivate", "private")]
    [TestCase(MountPropagation.Unbindable, "rprivate", "unbindable")]
    [TestCase(MountPropagation.RUnbindable, "rprivate", "runbindable")]
    [TestCase(MountPropagation.Default, "rprivate", null)]
    [TestCase(MountPropagation.RPrivate, "rprivate", null)]
    public void The_root_is_a_slave_or_private_until_the_pivot_and_gets_its_propagation_after(MountPropagation propagation, string before, string? after)
    {
        var steps = Steps(Spec.WithRootfsPropagation(propagation).WithReadonlyPaths("/proc/bus"));
        var pivot = steps.FindIndex(s => s.StartsWith("pivot_root", StringComparison.Ordinal));
        Assert.That(steps.IndexOf($"mount(make / {before})"), Is.InRange(0, pivot), string.Join("\n", steps));
        var applied = steps.FindIndex(pivot, s => s.StartsWith("mount(make / ", StringComparison.Ordinal));
        Assert.That(applied < 0 ? null : steps[applied], Is.EqualTo(after is null ? null : $"mount(make / {after})"));
        if (after is not null)
            Assert.That(applied, Is.GreaterThan(steps.FindLastIndex(s => s.StartsWith("mount(read-only ", StringComparison.Ordinal))),
                "after the read-only paths: their binds would fail in an unbindable tree");
    }

    [Test]
    public void A_cgroup_mount_on_a_v1_host_is_a_tmpfs_with_a_mount_per_hierarchy_and_links_for_co_mounted_ones()
    {
        var plan = new LaunchPlan();
        var layout = new CgroupLayout(CgroupMode.Hybrid,
            [new("/sys/fs/cgroup/cpu,cpuacct", "/", new HashSet<string> { "cpu", "cpuacct" }, false, "/"),
             new("/sys/fs/cgroup/memory", "/", new HashSet<string> { "memory" }, false, "/")],
            new("/sys/fs/cgroup/unified", "/", new HashSet<string>(), true, "/"));
        RootfsPlanner.MountAll(plan, ContainerSpec.FromRootfs("/r").WithMounts(m => m.Clear().Cgroup()).WithMaskedPaths().WithReadonlyPaths(), null, () => layout);
        var steps = plan.Steps.Select(s => s.ToString()).ToList();
        Assert.That(steps.Take(7), Is.EqualTo(new[]
        {
            "mount(tmpfs on /sys/fs/cgroup)", "mount(cgroup on /sys/fs/cgroup/cpu,cpuacct)",
            "symlink(/sys/fs/cgroup/cpu -> cpu,cpuacct)", "symlink(/sys/fs/cgroup/cpuacct -> cpu,cpuacct)",
            "mount(cgroup on /sys/fs/cgroup/memory)", "mount(cgroup2 on /sys/fs/cgroup/unified)", "mount_setattr(/sys/fs/cgroup)",
        }));
    }

    [Test]
    public void Without_a_cgroup_namespace_the_containers_own_cgroup_directories_are_bound_in()
    {
        var plan = new LaunchPlan();
        var layout = new CgroupLayout(CgroupMode.Hybrid,
            [new("/sys/fs/cgroup/cpu,cpuacct", "/", new HashSet<string> { "cpu", "cpuacct" }, false, "/user.slice"),
             new("/sys/fs/cgroup/memory", "/", new HashSet<string> { "memory" }, false, "/user.slice")],
            new("/sys/fs/cgroup/unified", "/", new HashSet<string>(), true, "/user.slice"));
        var spec = ContainerSpec.FromRootfs("/r").WithNamespaces(n => n.Without(Containment.Namespaces.NamespaceKind.Cgroup))
            .WithMounts(m => m.Clear().Cgroup()).WithMaskedPaths().WithReadonlyPaths();
        var inputs = new LaunchInputs { CgroupPaths = ["/sys/fs/cgroup/memory/containment/c1", "/sys/fs/cgroup/unified/containment/c1"] };
        RootfsPlanner.MountAll(plan, spec, inputs, () => layout);
        var steps = plan.Steps.Select(s => s.ToString()).ToList();
        Assert.That(steps.Take(10), Is.EqualTo(new[]
        {
            "mount(tmpfs on /sys/fs/cgroup)",
            "mount(bind /sys/fs/cgroup/cpu,cpuacct/user.slice on /sys/fs/cgroup/cpu,cpuacct)", "mount_setattr(/sys/fs/cgroup/cpu,cpuacct)",
            "symlink(/sys/fs/cgroup/cpu -> cpu,cpuacct)", "symlink(/sys/fs/cgroup/cpuacct -> cpu,cpuacct)",
            "mount(bind /sys/fs/cgroup/memory/containment/c1 on /sys/fs/cgroup/memory)", "mount_setattr(/sys/fs/cgroup/memory)",
            "mount(bind /sys/fs/cgroup/unified/containment/c1 on /sys/fs/cgroup/unified)", "mount_setattr(/sys/fs/cgroup/unified)",
            "mount_setattr(/sys/fs/cgroup)",
        }), "a hierarchy without a cgroup of the container's own shows the one it was cloned into");
    }

    [Test]
    public void Mqueue_is_skipped_when_the_ipc_namespace_is_the_hosts()
    {
        var steps = Steps(Spec.WithNamespaces(n => n.Without(Containment.Namespaces.NamespaceKind.Ipc)));
        Assert.That(steps, Has.None.Contains("mqueue"));
        Assert.That(Steps(Spec), Does.Contain("mount(mqueue on /dev/mqueue)"));
    }
}
