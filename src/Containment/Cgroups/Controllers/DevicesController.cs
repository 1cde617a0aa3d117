namespace Containment.Cgroups.Controllers;

/// <summary>
/// devices: on v1 the allow/deny lists; on v2 there is no file — the v2 driver compiles the rules into an
/// eBPF program (<see cref="Devices.DeviceFilterCompiler"/>) and attaches it to the cgroup.
/// </summary>
internal sealed class DevicesController : CgroupController
{
    public override string Name => "devices";
    public override bool IsV2Controller => false;

    public override bool IsRequested(CgroupSpec spec) => spec.Devices is not null;

    public override IEnumerable<CgroupWrite> V1Writes(CgroupSpec spec)
    {
        if (spec.Devices is not { } rules) yield break;
        // A new v1 cgroup inherits its parent's list (often everything): the list starts from nothing, as on v2. A
        // deny-all the rules begin with (an OCI config's first rule, the launch's own when the spec has none) says it again.
        yield return new("devices.deny", "a");
        foreach (var rule in rules.SkipWhile(r => !r.Allow && r.Type == DeviceType.All))
            yield return new(rule.Allow ? "devices.allow" : "devices.deny", rule.ToV1Line());
    }

    public override IEnumerable<CgroupWrite> V2Writes(CgroupSpec spec) => [];
}

/// <summary>freezer: no settings; the v1 hierarchy used by pause, resume and kill.</summary>
internal sealed class FreezerController : CgroupController
{
    public override string Name => "freezer";
    public override bool IsV2Controller => false;
    public override bool IsRequested(CgroupSpec spec) => false;
    public override IEnumerable<CgroupWrite> V1Writes(CgroupSpec spec) => [];
    public override IEnumerable<CgroupWrite> V2Writes(CgroupSpec spec) => [];
}
