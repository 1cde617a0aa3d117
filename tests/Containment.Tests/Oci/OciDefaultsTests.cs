using Containment.Oci;

namespace Containment.Tests.Oci;

public class OciDefaultsTests
{
    [Test]
    public void The_default_spec_is_what_runc_spec_writes()
    {
        var json = OciConfig.CreateDefault(rootless: false, cgroupNamespace: true, hostUid: 0, hostGid: 0).ToJson();

        Assert.That(json + "\n", Is.EqualTo(OciTestData.Read("runc-spec.json")));
    }

    [Test]
    public void The_rootless_spec_is_what_runc_spec_rootless_writes()
    {
        var json = OciConfig.CreateDefault(rootless: true, cgroupNamespace: true, hostUid: 1000, hostGid: 1000).ToJson();

        Assert.That(json + "\n", Is.EqualTo(OciTestData.Read("runc-spec-rootless.json")));
    }

    [Test]
    public void Without_cgroup_v2_there_is_no_cgroup_namespace()
    {
        var config = OciConfig.CreateDefault(rootless: false, cgroupNamespace: false, hostUid: 0, hostGid: 0);

        Assert.That(config.Linux!.Namespaces!.Select(n => n.Type), Is.EqualTo(new[] { "pid", "network", "ipc", "uts", "mount" }));
    }

    [Test]
    public void The_rootless_spec_maps_root_to_the_calling_user()
    {
        var status = File.ReadAllLines("/proc/self/status");
        var euid = uint.Parse(status.First(l => l.StartsWith("Uid:")).Split('\t', StringSplitOptions.RemoveEmptyEntries)[2]);

        var config = OciConfig.CreateDefault(rootless: true);

        Assert.That(config.Linux!.UidMappings, Is.EqualTo(new[] { new OciIdMapping { ContainerId = 0, HostId = euid, Size = 1 } }));
        Assert.That(config.Linux.Namespaces!.Last().Type, Is.EqualTo("user"));
        Assert.That(config.Linux.Namespaces!.Select(n => n.Type), Does.Not.Contain("network"));
        Assert.That(config.Linux.Resources, Is.Null);
    }

    [Test]
    public void The_probed_cgroup_namespace_follows_the_host_hierarchy()
    {
        var v2 = File.Exists("/sys/fs/cgroup/cgroup.controllers");

        var config = OciConfig.CreateDefault();

        Assert.That(config.Linux!.Namespaces!.Any(n => n.Type == "cgroup"), Is.EqualTo(v2));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Default_specs_are_valid(bool rootless)
    {
        Assert.That(OciConfig.CreateDefault(rootless).Validate(), Is.Empty);
    }
}
