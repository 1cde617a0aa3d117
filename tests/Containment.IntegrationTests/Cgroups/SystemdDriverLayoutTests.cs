using Containment.Cgroups;

namespace Containment.IntegrationTests.Cgroups;

/// <summary>
/// The systemd driver on this v1 machine: a start is refused for the layout, in those terms. (Against a real systemd on
/// cgroup v2: tests/Containment.SystemdTests, in the VM of tests/cgroup2-vm/systemd.sh.)
/// </summary>
[TestFixture]
public class SystemdDriverLayoutTests
{
    [Test]
    public void A_systemd_cgroupsPath_with_the_systemd_driver_is_refused_for_the_layout_not_as_a_cgroupfs_path()
    {
        if (Environment.UserName != "root") Assert.Ignore("needs root");
        if (CgroupManager.Detect().Mode == CgroupMode.Unified) Assert.Ignore("written for a v1 or hybrid machine");
        var spec = ContainerSpec.HostReadOnly().WithCgroup(c => c.PidsMax(8)).WithCgroupDriver(CgroupDriverKind.Systemd)
            .WithCgroupsPath("machine.slice:containment-test:layout").WithProcess(p => p.Args("/bin/true"));
        var e = Assert.CatchAsync(async () => await ContainerProcess.StartAsync(spec));
        Assert.That(e, Is.Not.InstanceOf<ContainerSpecException>(), e!.ToString());
        Assert.That(e.Message, Does.Contain("needs cgroup v2"));
    }
}
