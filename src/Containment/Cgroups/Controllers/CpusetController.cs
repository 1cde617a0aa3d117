namespace Containment.Cgroups.Controllers;

/// <summary>cpuset: CPUs and memory nodes.</summary>
internal sealed class CpusetController : CgroupController
{
    public override string Name => "cpuset";

    public override bool IsRequested(CgroupSpec spec) => spec.Cpuset is { Cpus: not null } or { Mems: not null };

    public override IEnumerable<CgroupWrite> V1Writes(CgroupSpec spec) => Writes(spec);

    public override IEnumerable<CgroupWrite> V2Writes(CgroupSpec spec) => Writes(spec);

    private static IEnumerable<CgroupWrite> Writes(CgroupSpec spec)
    {
        if (spec.Cpuset?.Cpus is { } cpus) yield return new("cpuset.cpus", cpus);
        if (spec.Cpuset?.Mems is { } mems) yield return new("cpuset.mems", mems);
    }
}
