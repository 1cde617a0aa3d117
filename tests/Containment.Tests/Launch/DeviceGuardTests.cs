using Containment.Capabilities;
using Containment.Cgroups;
using Containment.Launch;
using Containment.Mounts;

namespace Containment.Tests.Launch;

public class DeviceGuardTests
{
    private static readonly ContainerSpec Base = ContainerSpec.FromRootfs("/srv/rootfs");

    private static string[] Rules(ContainerSpec spec) => spec.Cgroup!.Devices!.Select(d => d.ToString()).ToArray();

    private static readonly string[] Standard =
    [
        "allow c *:* m", "allow b *:* m", "allow c 1:3 rwm", "allow c 1:5 rwm", "allow c 1:7 rwm", "allow c 1:8 rwm",
        "allow c 1:9 rwm", "allow c 5:0 rwm", "allow c 5:1 rwm", "allow c 5:2 rwm", "allow c 136:* rwm",
    ];

    [Test]
    public void Without_a_cgroup_mknod_is_dropped_from_every_set_and_the_root_is_nodev()
    {
        if (Containment.Identity.Rootless.IsRootless)
            Assert.Ignore("rootless containers are left to the user namespace");
        var (spec, rootNoDev) = DeviceGuard.Apply(Base.WithCapabilities(c => c.AddAmbient(Capability.Mknod)));
        Assert.That(rootNoDev, Is.True);
        var caps = spec.Process.Capabilities;
        foreach (var set in new[] { caps.Bounding, caps.Effective, caps.Permitted, caps.Inheritable, caps.Ambient })
            Assert.That(set.Contains(Capability.Mknod), Is.False);
        Assert.That(caps.Bounding, Is.EqualTo(CapabilitySet.Default.Remove(Capability.Mknod)));
    }

    [Test]
    public void A_cgroup_without_rules_gets_deny_all_the_standard_nodes_and_the_given_devices()
    {
        if (Containment.Identity.Rootless.IsRootless)
            Assert.Ignore("rootless containers are left to the user namespace");
        var (spec, rootNoDev) = DeviceGuard.Apply(Base.WithCgroup(c => c.PidsMax(10)).WithDevice("/dev/fuse", DeviceNodeType.Char, 10, 229));
        Assert.That(rootNoDev, Is.False);
        Assert.That(Rules(spec), Is.EqualTo(new[] { "deny a" }.Concat(Standard).Append("allow c 10:229 rwm")));
        Assert.That(spec.Process.Capabilities, Is.EqualTo(CapabilitySpec.Default), "with a device list, mknod stays");
    }

    [Test]
    public void A_cgroups_own_rules_come_first_then_the_standard_nodes()
    {
        if (Containment.Identity.Rootless.IsRootless)
            Assert.Ignore("rootless containers are left to the user namespace");
        var (spec, _) = DeviceGuard.Apply(Base.WithCgroup(c => c.DenyAllDevices().AllowDevice('c', 10, 200, "rw")));
        Assert.That(Rules(spec), Is.EqualTo(new[] { "deny a", "allow c 10:200 rw" }.Concat(Standard)));
    }

    [Test]
    public void A_standard_node_the_spec_denies_by_number_stays_denied()
    {
        if (Containment.Identity.Rootless.IsRootless)
            Assert.Ignore("rootless containers are left to the user namespace");
        var (spec, _) = DeviceGuard.Apply(Base.WithCgroup(c => c.AllowDevice('a', null, null).DenyDevice('c', 1, 3, "rw")));
        Assert.That(Rules(spec), Is.EqualTo(new[] { "allow a", "deny c 1:3 rw" }.Concat(Standard.Where(s => s != "allow c 1:3 rwm"))));
    }
}
