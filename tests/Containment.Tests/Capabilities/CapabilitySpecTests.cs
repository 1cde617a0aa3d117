using Containment.Capabilities;

namespace Containment.Tests.Capabilities;

public class CapabilitySpecTests
{
    private static List<string> Errors(CapabilitySpec spec, int lastCap = 40) =>
        spec.Validate("process.capabilities", lastCap).Select(e => $"{e.Field}: {e.Message}").ToList();

    [Test]
    public void The_default_puts_the_common_set_in_bounding_effective_and_permitted_and_nothing_inheritable()
    {
        var d = CapabilitySpec.Default;
        Assert.That(new[] { d.Bounding, d.Effective, d.Permitted }, Is.All.EqualTo(CapabilitySet.Default));
        Assert.That(d.Inheritable.IsEmpty && d.Ambient.IsEmpty, Is.True);
        Assert.That(Errors(d), Is.Empty);
    }

    [Test]
    public void Add_and_drop_work_like_docker_cap_add_and_cap_drop()
    {
        var spec = CapabilitySpec.Default.With(c => c.Add(Capability.SysAdmin).Drop(Capability.NetRaw, Capability.Mknod));
        Assert.That(spec.Bounding, Is.EqualTo(CapabilitySet.Default.Add(Capability.SysAdmin).Remove(Capability.NetRaw).Remove(Capability.Mknod)));
        Assert.That(spec.Effective, Is.EqualTo(spec.Bounding));
        Assert.That(spec.Permitted, Is.EqualTo(spec.Bounding));
        var none = spec.With(c => c.DropAll().Add(Capability.Kill));
        Assert.That(none, Is.EqualTo(CapabilitySpec.Of(CapabilitySet.Of(Capability.Kill))));
    }

    [Test]
    public void An_ambient_capability_is_added_to_every_set_it_needs()
    {
        var spec = CapabilitySpec.None.With(c => c.AddAmbient(Capability.NetBindService));
        var one = CapabilitySet.Of(Capability.NetBindService);
        Assert.That(new[] { spec.Bounding, spec.Effective, spec.Permitted, spec.Inheritable, spec.Ambient }, Is.All.EqualTo(one));
        Assert.That(Errors(spec), Is.Empty);
    }

    [Test]
    public void Inconsistent_sets_are_each_reported()
    {
        var kill = CapabilitySet.Of(Capability.Kill);
        var spec = new CapabilitySpec(Bounding: kill, Effective: CapabilitySet.Of(Capability.Chown), Permitted: CapabilitySet.Of(Capability.NetRaw),
            Inheritable: CapabilitySet.Of(Capability.SysAdmin), Ambient: CapabilitySet.Of(Capability.Kill));
        Assert.That(Errors(spec), Is.EquivalentTo(new[]
        {
            "process.capabilities.effective: CAP_CHOWN not in the permitted set",
            "process.capabilities.permitted: CAP_NET_RAW not in the bounding set",
            "process.capabilities.inheritable: CAP_SYS_ADMIN not in the bounding set",
            "process.capabilities.ambient: CAP_KILL must also be permitted and inheritable",
        }));
    }

    [Test]
    public void A_capability_beyond_the_running_kernels_last_is_an_error()
    {
        var spec = CapabilitySpec.Of(CapabilitySet.Of(Capability.Kill, Capability.Bpf));
        var errors = Errors(spec, lastCap: 38);
        Assert.That(errors, Has.Count.EqualTo(3), string.Join("\n", errors)); // bounding, effective, permitted
        Assert.That(errors[0], Is.EqualTo("process.capabilities.bounding: CAP_BPF is not known to the running kernel (its last capability is 38)"));
        Assert.That(Errors(CapabilitySpec.Of(CapabilitySet.FromMask(1UL << 50))), Has.Some.Contains("capability 50 is not known"));
    }

    [Test]
    public void The_kernels_last_capability_is_read_from_proc()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "40\n");
            Assert.That(KernelCapabilities.Read(file), Is.EqualTo(40));
            Assert.That(KernelCapabilities.Read(file + ".missing"), Is.EqualTo(40), "without the file: the library's table");
        }
        finally
        {
            File.Delete(file);
        }
    }
}
