using Containment.Cgroups.Systemd;

namespace Containment.Tests.Cgroups.Systemd;

public class SystemdScopePathTests
{
    [TestCase("machine.slice:libpod:abc", "machine.slice", "libpod-abc.scope", "machine.slice/libpod-abc.scope")]
    [TestCase("kubepods-burstable-pod1234.slice:cri-containerd:abcd", "kubepods-burstable-pod1234.slice", "cri-containerd-abcd.scope",
        "kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1234.slice/cri-containerd-abcd.scope")]
    [TestCase(":runc:x", "system.slice", "runc-x.scope", "system.slice/runc-x.scope")]
    [TestCase("-:p:n", "-.slice", "p-n.scope", "p-n.scope")]
    [TestCase("-.slice:p:n", "-.slice", "p-n.scope", "p-n.scope")]
    [TestCase("system.slice::n", "system.slice", "n.scope", "system.slice/n.scope")]
    public void A_slice_prefix_name_path_names_the_scope_and_its_cgroup_as_runc_does(string cgroupsPath, string slice, string unit, string cgroup)
    {
        var path = SystemdScopePath.Parse(cgroupsPath, "ignored", rootless: false);
        Assert.That(path, Is.EqualTo(new SystemdScopePath(slice, unit, cgroup)));
    }

    [Test]
    public void Without_a_path_the_container_gets_containment_id_scope_in_system_slice_or_user_slice_rootless()
    {
        Assert.That(SystemdScopePath.Parse(null, "web", rootless: false), Is.EqualTo(new SystemdScopePath("system.slice", "containment-web.scope", "system.slice/containment-web.scope")));
        Assert.That(SystemdScopePath.Parse("", "web", rootless: true), Is.EqualTo(new SystemdScopePath("user.slice", "containment-web.scope", "user.slice/containment-web.scope")));
    }

    [TestCase("/containment/web", "slice:prefix:name")]
    [TestCase("machine.slice:web", "slice:prefix:name")]
    [TestCase("a--b.slice:p:n", "not a valid slice")]
    [TestCase("-a.slice:p:n", "not a valid slice")]
    [TestCase("a-.slice:p:n", "not a valid slice")]
    [TestCase("a/b.slice:p:n", "not a valid slice")]
    [TestCase("machine:p:n", "not a valid slice")]
    [TestCase(".slice:p:n", "not a valid slice")]
    [TestCase("machine.slice:p:", "empty name")]
    [TestCase("machine.slice:p:pod.slice", "names a slice")]
    [TestCase("machine.slice:p:a b", "not a valid systemd unit name")]
    public void A_malformed_path_is_a_spec_error_naming_cgroupsPath(string cgroupsPath, string message)
    {
        var e = Assert.Throws<ContainerSpecException>(() => SystemdScopePath.Parse(cgroupsPath, "id", rootless: false))!;
        Assert.That(e.Errors.Single().Field, Is.EqualTo("cgroupsPath"));
        Assert.That(e.Errors.Single().Message, Does.Contain(message));
    }

    [TestCase("-.slice", "")]
    [TestCase("a.slice", "a.slice")]
    [TestCase("a-b-c.slice", "a.slice/a-b.slice/a-b-c.slice")]
    [TestCase("user-1000.slice", "user.slice/user-1000.slice")]
    [TestCase("a", null)]
    [TestCase("a--b.slice", null)]
    public void Slices_expand_dash_by_dash(string slice, string? expected) =>
        Assert.That(SystemdScopePath.ExpandSlice(slice), Is.EqualTo(expected));

    [Test]
    public void The_spec_validator_reports_a_bad_systemd_path_only_with_the_systemd_driver()
    {
        var spec = ContainerSpec.HostReadOnly().WithCgroup(c => c.PidsMax(8)).WithCgroupsPath("a--b.slice:p:n")
            .WithProcess(p => p.Args("/bin/true"));
        Assert.That(spec.WithCgroupDriver(Containment.Cgroups.CgroupDriverKind.Systemd).Validate().Select(e => e.Field), Does.Contain("cgroupsPath"));
        Assert.That(spec.WithCgroupsPath("machine.slice:libpod:abc").WithCgroupDriver(Containment.Cgroups.CgroupDriverKind.Systemd).Validate(), Is.Empty);
    }
}
