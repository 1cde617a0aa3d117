using System.Text;
using Containment.Launch;
using Containment.Lsm;
using Microsoft.Extensions.Logging.Abstractions;

namespace Containment.Tests.Lsm;

/// <summary>What is written for AppArmor and SELinux, where in the launch, what is mounted with a label, and what a host
/// without the module refuses.</summary>
public class LsmPlanTests
{
    private static readonly ContainerSpec Spec = ContainerSpec.FromRootfs("/srv/rootfs").WithProcess(p => p.Args("sh"));
    private static readonly LsmHost Both = new(AppArmor: true, Selinux: true), Neither = new(false, false);

    private static LaunchPlan Plan(ContainerSpec spec, LsmHost host, string? mountLabel = null) =>
        PlanCompiler.Compile(spec, new LaunchInputs { Lsm = host, MountLabel = mountLabel }, () => [new("usr", Containment.Mounts.HostRootEntryKind.Directory)]);

    private static List<string> Steps(ContainerSpec spec, LsmHost host) => Plan(spec, host).Steps.Select(s => s.ToString()).ToList();

    [Test]
    public void An_AppArmor_profile_is_written_as_an_exec_change_before_no_new_privs_and_the_user_switch()
    {
        var steps = Steps(Spec.WithProcess(p => p.AppArmorProfile("containers-default-0.50.1").User(1000, 1000).NoNewPrivileges()), Both);
        var label = steps.IndexOf("write(/proc/self/attr/apparmor/exec: exec containers-default-0.50.1)");
        Assert.That(label, Is.GreaterThan(steps.FindIndex(s => s.StartsWith("pivot_root", StringComparison.Ordinal))), string.Join("\n", steps));
        Assert.That(label, Is.LessThan(steps.IndexOf("prctl(PR_SET_NO_NEW_PRIVS)")));
        Assert.That(label, Is.LessThan(steps.IndexOf("setresuid(1000)")));
    }

    [Test]
    public void The_AppArmor_write_falls_back_to_attr_exec_and_SELinux_writes_attr_exec()
    {
        var plan = Plan(Spec.WithProcess(p => p.AppArmorProfile("p1").SelinuxLabel("system_u:system_r:container_t:s0:c1,c2")), Both);
        var bytes = Encoding.UTF8.GetString(plan.Encode());
        Assert.That(bytes, Does.Contain("apparmor/exec\0").And.Contain("\0exec\0").And.Contain("exec p1\0"));
        Assert.That(plan.Steps.Select(s => s.ToString()), Does.Contain("write(/proc/self/attr/exec: system_u:system_r:container_t:s0:c1,c2)"));
    }

    [Test]
    public void Without_labels_nothing_is_written() =>
        Assert.That(Steps(Spec, Both), Has.None.StartsWith("write(/proc/self/attr/"));

    [Test]
    public void A_host_without_the_module_refuses_a_profile_or_label_but_not_unconfined()
    {
        var errors = LsmPlanner.Validate(Spec.WithProcess(p => p.AppArmorProfile("docker-default").SelinuxLabel("system_u:system_r:container_t:s0")), Neither).ToList();
        Assert.That(errors.Select(e => e.Field), Is.EqualTo(new[] { "process.apparmorProfile", "process.selinuxLabel" }));
        Assert.That(errors[0].Message, Does.Contain("AppArmor is not enabled on this host").And.Contain("docker-default"));
        Assert.That(LsmPlanner.Validate(Spec.WithProcess(p => p.AppArmorProfile("unconfined")), Neither), Is.Empty);
        Assert.That(LsmPlanner.Validate(Spec.WithProcess(p => p.AppArmorProfile("x").SelinuxLabel("y")), Both), Is.Empty);
    }

    [Test]
    public void A_mount_label_goes_on_the_mounts_that_take_a_context_and_only_there()
    {
        const string label = "system_u:object_r:container_file_t:s0:c1,c2";
        var spec = Spec.WithMountLabel(label);
        var labelled = spec.Filesystem.Mounts.Count(m => m.Type is "tmpfs" or "devpts" or "mqueue");
        Assert.That(labelled, Is.GreaterThanOrEqualTo(3), "the standard /dev, /dev/pts, /dev/shm, /dev/mqueue");
        Assert.That(spec.Filesystem.Mounts.Any(m => m.Type is "proc" or "sysfs"), Is.True);
        var text = Encoding.UTF8.GetString(Plan(spec, Both, LsmPlanner.MountLabel(spec, Both, NullLogger.Instance)).Encode());
        Assert.That(text.Split("context=" + label + "\0").Length - 1, Is.EqualTo(labelled));
        var none = Encoding.UTF8.GetString(Plan(spec, Neither, LsmPlanner.MountLabel(spec, Neither, NullLogger.Instance)).Encode());
        Assert.That(none, Does.Not.Contain("context="), "ignored without SELinux");
    }
}
