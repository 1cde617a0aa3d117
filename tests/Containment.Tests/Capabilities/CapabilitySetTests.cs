using Containment.Capabilities;

namespace Containment.Tests.Capabilities;

public class CapabilitySetTests
{
    [Test]
    public void Every_kernel_capability_up_to_CHECKPOINT_RESTORE_has_its_OCI_name()
    {
        Assert.That(Enum.GetValues<Capability>(), Has.Length.EqualTo(41));
        Assert.That(CapabilityNames.Name(Capability.Chown), Is.EqualTo("CAP_CHOWN"));
        Assert.That(CapabilityNames.Name(Capability.NetRaw), Is.EqualTo("CAP_NET_RAW"));
        Assert.That(CapabilityNames.Name(Capability.SysResource), Is.EqualTo("CAP_SYS_RESOURCE"));
        Assert.That(CapabilityNames.Name(Capability.CheckpointRestore), Is.EqualTo("CAP_CHECKPOINT_RESTORE"));
        Assert.That((int)Capability.CheckpointRestore, Is.EqualTo(40));
        foreach (var c in Enum.GetValues<Capability>())
        {
            Assert.That(CapabilityNames.TryParse(CapabilityNames.Name(c), out var parsed), Is.True);
            Assert.That(parsed, Is.EqualTo(c));
            // The enum name and the OCI name agree (CAP_ + upper case with underscores removed).
            Assert.That(CapabilityNames.Name(c).Replace("_", "")[3..], Is.EqualTo(c.ToString().ToUpperInvariant()));
        }
    }

    [Test]
    public void Names_parse_without_regard_to_case_or_the_CAP_prefix()
    {
        Assert.That(CapabilityNames.TryParse("net_raw", out var a) ? a : null, Is.EqualTo(Capability.NetRaw));
        Assert.That(CapabilityNames.TryParse("Cap_Sys_Admin", out var b) ? b : null, Is.EqualTo(Capability.SysAdmin));
        Assert.That(CapabilityNames.TryParse("CAP_FLY", out _), Is.False);
        Assert.That(CapabilityNames.TryParse("", out _), Is.False);
    }

    [Test]
    public void Parsing_a_list_reports_every_unknown_name()
    {
        var e = Assert.Throws<ContainerSpecException>(() => CapabilityNames.ParseSet(["CAP_KILL", "CAP_FLY", "CAP_NET_RAW", "swim"], "process.capabilities.bounding"));
        Assert.That(e!.Errors.Select(x => x.Message), Is.EqualTo(new[] { "'CAP_FLY' is not a capability", "'swim' is not a capability" }));
        Assert.That(e.Errors.Select(x => x.Field).Distinct(), Is.EqualTo(new[] { "process.capabilities.bounding" }));
        Assert.That(CapabilityNames.ParseSet(["CAP_KILL", "net_raw"]), Is.EqualTo(CapabilitySet.Of(Capability.Kill, Capability.NetRaw)));
    }

    [Test]
    public void The_default_set_is_the_common_container_set_of_fourteen()
    {
        Assert.That(CapabilitySet.Default.ToString(), Is.EqualTo(
            "CAP_CHOWN,CAP_DAC_OVERRIDE,CAP_FOWNER,CAP_FSETID,CAP_KILL,CAP_SETGID,CAP_SETUID,CAP_SETPCAP,CAP_NET_BIND_SERVICE,CAP_NET_RAW,CAP_SYS_CHROOT,CAP_MKNOD,CAP_AUDIT_WRITE,CAP_SETFCAP"));
        Assert.That(CapabilitySet.Default.Count, Is.EqualTo(14));
        Assert.That(CapabilitySet.Default.Mask, Is.EqualTo(0xa80425fbUL), "the mask Docker and runc report as CapBnd");
        Assert.That(CapabilitySet.All.Mask, Is.EqualTo(0x1ffffffffffUL));
    }

    [Test]
    public void Sets_are_immutable_values()
    {
        var a = CapabilitySet.Of(Capability.Kill);
        var b = a.Add(Capability.NetRaw);
        Assert.That(a, Is.EqualTo(CapabilitySet.Of(Capability.Kill)));
        Assert.That(b.Contains(Capability.NetRaw) && b.Contains(Capability.Kill), Is.True);
        Assert.That(b.Remove(Capability.Kill), Is.EqualTo(CapabilitySet.Of(Capability.NetRaw)));
        Assert.That(b.Except(a).Intersect(b).Union(a), Is.EqualTo(b));
        Assert.That(a.IsSubsetOf(b) && !b.IsSubsetOf(a), Is.True);
        Assert.That(b.ToArray(), Is.EqualTo(new[] { Capability.Kill, Capability.NetRaw }));
        Assert.That(CapabilitySet.Empty.IsEmpty, Is.True);
        Assert.Throws<ArgumentOutOfRangeException>(() => a.Add((Capability)64));
    }
}
