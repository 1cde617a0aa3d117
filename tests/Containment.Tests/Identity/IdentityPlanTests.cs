using Containment.Capabilities;
using Containment.Identity;
using Containment.Launch;

namespace Containment.Tests.Identity;

public class IdentityPlanTests
{
    private static List<string> Steps(ContainerSpec spec, LaunchInputs? inputs = null) =>
        PlanCompiler.Compile(spec, inputs ?? new LaunchInputs()).Steps.Select(s => s.ToString()).ToList();

    private static readonly ContainerSpec Spec = ContainerSpec.FromRootfs("/srv/rootfs").WithProcess(p => p.Args("sh"));

    private static readonly ContainerSpec Mapped = Spec.WithUserNamespace(u => u.MapUser(0, 100000, 65536).MapGroup(0, 100000, 65536));

    [Test]
    public void The_monitor_writes_uid_map_then_gid_map_between_clone_and_release()
    {
        var steps = Steps(Mapped);
        var clone = steps.FindIndex(s => s.StartsWith("clone3("));
        var uid = steps.IndexOf("write(/proc/<pid>/uid_map)");
        var gid = steps.IndexOf("write(/proc/<pid>/gid_map)");
        Assert.That(clone, Is.LessThan(uid));
        Assert.That(uid, Is.LessThan(gid));
        Assert.That(gid, Is.LessThan(steps.IndexOf("send(release)")));
        Assert.That(steps, Does.Not.Contain("write(/proc/<pid>/setgroups)"), "root may keep setgroups allowed");
    }

    [Test]
    public void An_unprivileged_writer_denies_setgroups_between_the_two_maps()
    {
        var steps = Steps(Mapped, new LaunchInputs { IdMapWriter = IdMapWriter.MonitorSetgroupsDenied });
        var uid = steps.IndexOf("write(/proc/<pid>/uid_map)");
        var deny = steps.IndexOf("write(/proc/<pid>/setgroups)");
        var gid = steps.IndexOf("write(/proc/<pid>/gid_map)");
        Assert.That(uid < deny && deny < gid, Is.True, string.Join("\n", steps));
    }

    [Test]
    public void With_helpers_the_monitor_waits_for_the_host_before_release()
    {
        var steps = Steps(Mapped, new LaunchInputs { IdMapWriter = IdMapWriter.Helpers });
        var sync = steps.IndexOf("sync(newuidmap/newgidmap)");
        Assert.That(sync, Is.GreaterThan(steps.FindIndex(s => s.StartsWith("clone3("))));
        Assert.That(sync, Is.LessThan(steps.IndexOf("send(release)")));
        Assert.That(steps, Has.None.Contains("uid_map"));
    }

    [Test]
    public void The_user_namespace_is_created_by_the_same_clone_as_the_others()
    {
        var flags = PlanCompiler.CloneFlags(Mapped.Namespaces);
        Assert.That(flags & Namespaces.NamespaceFlags.CLONE_NEWUSER, Is.Not.Zero);
        Assert.That(flags & Namespaces.NamespaceFlags.CLONE_NEWNS, Is.Not.Zero);
    }

    [Test]
    public void In_a_user_namespace_the_child_becomes_root_right_after_release_and_binds_devices()
    {
        var steps = Steps(Mapped);
        var release = steps.IndexOf("recv(release)");
        Assert.That(steps[release + 1], Is.EqualTo("setresgid(0)"));
        Assert.That(steps[release + 2], Is.EqualTo("setresuid(0)"));
        Assert.That(steps[release + 3], Is.EqualTo("prctl(PR_SET_PDEATHSIG)"), "a credential change clears the death signal");
        Assert.That(steps, Has.None.StartsWith("mknod("));
        Assert.That(steps, Does.Contain("mount(bind host /dev/null)"));
        Assert.That(Steps(Spec), Has.Some.StartsWith("mknod(/dev/null"));
    }

    [Test]
    public void Capabilities_are_applied_around_the_uid_switch_in_the_kernels_order()
    {
        var steps = Steps(Spec.WithProcess(p => p.User(1000, 1000, 5).NoNewPrivileges()).WithCapabilities(c => c.AddAmbient(Capability.NetRaw)));
        int At(string prefix) => steps.FindIndex(s => s.StartsWith(prefix));
        var order = new[] { "prctl(PR_CAPBSET_DROP)", "prctl(PR_SET_KEEPCAPS)", "setgroups(5)", "setresgid(1000)", "setresuid(1000)", "capset(", "prctl(PR_SET_NO_NEW_PRIVS)", "dup2(standard streams)", "execve(" }
            .Select(At).ToArray();
        Assert.That(order, Is.Ordered.And.All.GreaterThanOrEqualTo(0), string.Join("\n", steps));
    }

    [Test]
    public void Root_keeps_no_keepcaps_step_and_has_no_no_new_privs_unless_asked()
    {
        var steps = Steps(Spec);
        Assert.That(steps, Has.None.EqualTo("prctl(PR_SET_KEEPCAPS)"));
        Assert.That(steps, Has.None.EqualTo("prctl(PR_SET_NO_NEW_PRIVS)"));
        Assert.That(steps, Does.Contain($"prctl(PR_CAPBSET_DROP)(keep {CapabilitySet.Default.Mask:x})"));
    }

    [Test]
    public void Kernel_settings_follow_the_pivot_and_precede_the_uid_switch()
    {
        var spec = Spec.WithSysctl("net.ipv4.ip_forward", "1").WithPersonality(Personality.Linux32)
            .WithProcess(p => p.User(1000, 1000).Rlimit(ResourceLimit.Nofile, 10, 20).OomScoreAdj(100));
        var steps = Steps(spec);
        var pivot = steps.IndexOf("pivot_root(/srv/rootfs)");
        var setuid = steps.IndexOf("setresuid(1000)");
        foreach (var step in new[] { "write(/proc/sys/net/ipv4/ip_forward)", "write(/proc/self/oom_score_adj)", "setrlimit(RLIMIT_NOFILE=10:20)", "personality(0x8)" })
        {
            var i = steps.IndexOf(step);
            Assert.That(i, Is.GreaterThan(pivot).And.LessThan(setuid), step);
        }
    }

    [Test]
    public void In_a_new_user_namespace_the_monitor_raises_hard_limits_before_release_and_the_child_still_sets_them()
    {
        var steps = Steps(Mapped.WithProcess(p => p.Rlimit(ResourceLimit.Nofile, 1048576, 1048576)));
        var raise = steps.IndexOf("prlimit(RLIMIT_NOFILE=1048576:1048576)");
        Assert.That(raise, Is.GreaterThan(steps.FindIndex(s => s.StartsWith("clone3("))).And.LessThan(steps.IndexOf("send(release)")));
        Assert.That(steps.IndexOf("setrlimit(RLIMIT_NOFILE=1048576:1048576)"), Is.GreaterThan(steps.IndexOf("recv(release)")));
        Assert.That(Steps(Spec.WithProcess(p => p.Rlimit(ResourceLimit.Nofile, 10, 20))), Has.None.StartsWith("prlimit("),
            "without a user namespace the child, still privileged, sets them itself");
    }

    [Test]
    public void Time_offsets_are_written_right_after_the_time_namespace_is_unshared()
    {
        var steps = Steps(Spec.WithTimeOffsets(TimeSpan.FromSeconds(5), TimeSpan.Zero));
        var unshare = steps.IndexOf("unshare(time namespace)");
        Assert.That(steps[unshare + 1], Is.EqualTo("write(/proc/self/timens_offsets)"));
        Assert.That(unshare, Is.LessThan(steps.FindIndex(s => s.StartsWith("mount("))));
    }

    [Test]
    public void The_umask_asked_for_is_the_last_one_set()
    {
        var steps = Steps(Spec.WithProcess(p => p.Umask(0x3f)));
        Assert.That(steps.FindLast(s => s.StartsWith("umask(")), Is.EqualTo("umask(77)"));
    }
}
