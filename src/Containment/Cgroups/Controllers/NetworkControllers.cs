namespace Containment.Cgroups.Controllers;

/// <summary>net_cls (v1 only): the class id.</summary>
internal sealed class NetClsController : CgroupController
{
    public override string Name => "net_cls";
    public override bool ExistsOnV2 => false;
    public override bool IsRequested(CgroupSpec spec) => spec.Network?.ClassId is not null;

    public override IEnumerable<CgroupWrite> V1Writes(CgroupSpec spec)
    {
        if (spec.Network?.ClassId is { } id) yield return new("net_cls.classid", id.ToString());
    }

    public override IEnumerable<CgroupWrite> V2Writes(CgroupSpec spec) => [];
}

/// <summary>net_prio (v1 only): per-interface priorities.</summary>
internal sealed class NetPrioController : CgroupController
{
    public override string Name => "net_prio";
    public override bool ExistsOnV2 => false;
    public override bool IsRequested(CgroupSpec spec) => spec.Network?.Priorities.Count > 0;

    public override IEnumerable<CgroupWrite> V1Writes(CgroupSpec spec) =>
        (spec.Network?.Priorities ?? []).Select(p => new CgroupWrite("net_prio.ifpriomap", $"{p.Interface} {p.Priority}"));

    public override IEnumerable<CgroupWrite> V2Writes(CgroupSpec spec) => [];
}

/// <summary>OCI <c>unified</c>: cgroup v2 files written verbatim (v2 only).</summary>
internal sealed class UnifiedController : CgroupController
{
    public override string Name => "unified";
    public override bool ExistsOnV1 => false;
    public override bool IsV2Controller => false;
    public override bool IsRequested(CgroupSpec spec) => spec.Unified.Count > 0;
    public override IEnumerable<CgroupWrite> V1Writes(CgroupSpec spec) => [];

    public override IEnumerable<CgroupWrite> V2Writes(CgroupSpec spec) =>
        spec.Unified.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new CgroupWrite(kv.Key, kv.Value));

    /// <summary>The controllers the unified keys belong to (<c>memory.high</c> → <c>memory</c>).</summary>
    public static IEnumerable<string> ControllersOf(CgroupSpec spec) =>
        spec.Unified.Keys.Select(k => k[..k.IndexOf('.')]).Where(c => c != "cgroup").Distinct();
}
