using Containment.Capabilities;
using Containment.IntegrationTests.Support;

namespace Containment.IntegrationTests.Identity;

public class CapabilityTests
{
    private const string RawSocket = "python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)' 2>/dev/null && echo raw-ok || echo raw-denied";

    private static async Task<(ProcStatus Status, Run.Result Result)> Status(Func<ContainerSpec, ContainerSpec> configure, string extra = "true")
    {
        var r = await Run.Shell($"{ProcStatus.Print}; {extra}", configure);
        Assert.That(r.Exit.ExitCode, Is.EqualTo(0), r.Stderr);
        return (ProcStatus.Parse(r.Stdout), r);
    }

    [Test]
    public async Task Every_container_gets_the_common_default_set_and_nothing_inheritable()
    {
        var (s, _) = await Status(spec => spec.WithCgroup(c => c.PidsMax(100)));
        Assert.Multiple(() =>
        {
            Assert.That(s.Bounding, Is.EqualTo(CapabilitySet.Default), s.Bounding.ToString());
            Assert.That(s.Effective, Is.EqualTo(CapabilitySet.Default));
            Assert.That(s.Permitted, Is.EqualTo(CapabilitySet.Default));
            Assert.That(s.Inheritable, Is.EqualTo(CapabilitySet.Empty));
            Assert.That(s.Ambient, Is.EqualTo(CapabilitySet.Empty));
            Assert.That(s.NoNewPrivs, Is.EqualTo("0"));
        });
    }

    /// <summary>Without a cgroup there is no device allow list, so no container gets CAP_MKNOD (docs/security.md).</summary>
    private static readonly CapabilitySet WithoutDeviceList = CapabilitySet.Default.Remove(Capability.Mknod);

    [Test]
    public async Task Without_a_cgroup_the_default_set_lacks_only_mknod()
    {
        var (s, _) = await Status(spec => spec);
        Assert.Multiple(() =>
        {
            Assert.That(s.Bounding, Is.EqualTo(WithoutDeviceList), s.Bounding.ToString());
            Assert.That(s.Effective, Is.EqualTo(WithoutDeviceList));
            Assert.That(s.Permitted, Is.EqualTo(WithoutDeviceList));
        });
    }

    [Test]
    public async Task Each_of_the_five_sets_reads_back_as_requested_for_root()
    {
        var bounding = CapabilitySet.Of(Capability.Chown, Capability.Kill, Capability.NetRaw, Capability.SysAdmin, Capability.Setuid);
        var inheritable = CapabilitySet.Of(Capability.Kill, Capability.NetRaw);
        var (s, _) = await Status(spec => spec.WithCapabilities(c => c.SetBounding(bounding)
            .SetPermitted(bounding.Remove(Capability.SysAdmin)).SetEffective(CapabilitySet.Of(Capability.Kill))
            .SetInheritable(inheritable).SetAmbient(CapabilitySet.Of(Capability.NetRaw))));
        // Root's exec: permitted and effective become the bounding set (root's file capabilities are all of them).
        Assert.Multiple(() =>
        {
            Assert.That(s.Bounding, Is.EqualTo(bounding), s.Bounding.ToString());
            Assert.That(s.Permitted, Is.EqualTo(bounding), s.Permitted.ToString());
            Assert.That(s.Effective, Is.EqualTo(bounding), s.Effective.ToString());
            Assert.That(s.Inheritable, Is.EqualTo(inheritable), s.Inheritable.ToString());
            Assert.That(s.Ambient, Is.EqualTo(CapabilitySet.Of(Capability.NetRaw)), s.Ambient.ToString());
        });
    }

    [Test]
    public async Task Without_NET_RAW_a_raw_socket_is_refused_and_with_it_allowed()
    {
        var (_, without) = await Status(spec => spec.WithCapabilities(c => c.Drop(Capability.NetRaw)), RawSocket);
        var (_, with) = await Status(spec => spec, RawSocket);
        Assert.That(without.Stdout, Does.Contain("raw-denied"));
        Assert.That(with.Stdout, Does.Contain("raw-ok"));
    }

    [Test]
    public async Task Without_CHOWN_chown_fails()
    {
        var r = await Run.Shell("touch /tmp/f && chown 1:1 /tmp/f 2>&1; echo rc=$?", s => s.WithCapabilities(c => c.Drop(Capability.Chown)));
        Assert.That(r.Stdout, Does.Contain("Operation not permitted"));
        Assert.That(r.Stdout, Does.Contain("rc=1"));
        var ok = await Run.Shell("touch /tmp/f && chown 1:1 /tmp/f 2>&1; echo rc=$?");
        Assert.That(ok.Stdout.Trim(), Is.EqualTo("rc=0"));
    }

    [Test]
    public async Task Dropping_every_capability_leaves_root_with_none()
    {
        var (s, _) = await Status(spec => spec.WithCapabilities(c => c.DropAll()));
        Assert.That(s.Bounding.Mask | s.Effective.Mask | s.Permitted.Mask | s.Inheritable.Mask | s.Ambient.Mask, Is.Zero);
    }

    [Test]
    public async Task A_non_root_user_holds_exactly_its_ambient_capabilities_and_can_use_them()
    {
        var (s, r) = await Status(spec => spec.WithProcess(p => p.User(1000, 1000)).WithCapabilities(c => c.AddAmbient(Capability.NetRaw)), RawSocket);
        var ambient = CapabilitySet.Of(Capability.NetRaw);
        Assert.Multiple(() =>
        {
            Assert.That(s.Uid, Is.EqualTo("1000\t1000\t1000\t1000"));
            Assert.That(s.Ambient, Is.EqualTo(ambient), s.Ambient.ToString());
            Assert.That(s.Effective, Is.EqualTo(ambient), s.Effective.ToString());
            Assert.That(s.Permitted, Is.EqualTo(ambient), s.Permitted.ToString());
            Assert.That(s.Inheritable, Is.EqualTo(ambient), s.Inheritable.ToString());
            Assert.That(s.Bounding, Is.EqualTo(WithoutDeviceList), s.Bounding.ToString());
            Assert.That(r.Stdout, Does.Contain("raw-ok"));
        });
    }

    [Test]
    public async Task A_non_root_user_without_ambient_capabilities_has_none()
    {
        var (s, r) = await Status(spec => spec.WithProcess(p => p.User(1000, 1000)), RawSocket);
        Assert.That(s.Effective.Mask | s.Permitted.Mask | s.Ambient.Mask, Is.Zero);
        Assert.That(r.Stdout, Does.Contain("raw-denied"));
    }

    [Test]
    public async Task No_new_privileges_is_set_when_asked()
    {
        var (s, _) = await Status(spec => spec.WithProcess(p => p.NoNewPrivileges()));
        Assert.That(s.NoNewPrivs, Is.EqualTo("1"));
    }

    [Test]
    public void A_capability_the_kernel_does_not_know_is_refused_before_start()
    {
        var unknown = (Capability)(KernelCapabilities.LastCap + 1);
        var spec = ContainerSpec.HostReadOnly().WithProcess(p => p.Args("true")).WithCapabilities(c => c.Add(unknown));
        var e = Assert.ThrowsAsync<ContainerSpecException>(() => ContainerProcess.StartAsync(spec));
        Assert.That(e!.Errors.Select(x => x.Field), Does.Contain("process.capabilities.bounding"));
        Assert.That(e.Message, Does.Contain("not known to the running kernel"));
    }
}
