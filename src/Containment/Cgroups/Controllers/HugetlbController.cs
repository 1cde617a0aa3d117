using Containment.Cgroups.Fs;

namespace Containment.Cgroups.Controllers;

/// <summary>hugetlb: a limit per page size; usage per page size.</summary>
internal sealed class HugetlbController : CgroupController
{
    public override string Name => "hugetlb";

    public override bool IsRequested(CgroupSpec spec) => spec.Hugetlb.Count > 0;

    public override IEnumerable<CgroupWrite> V1Writes(CgroupSpec spec) =>
        spec.Hugetlb.Select(h => new CgroupWrite($"hugetlb.{h.PageSize}.limit_in_bytes", h.Limit.ToString()));

    public override IEnumerable<CgroupWrite> V2Writes(CgroupSpec spec) =>
        spec.Hugetlb.Select(h => new CgroupWrite($"hugetlb.{h.PageSize}.max", h.Limit.ToString()));

    public override void ReadV1Stats(CgroupDirectory dir, CgroupStatsBuilder stats)
    {
        foreach (var size in MachineTopology.Host.HugePageSizes.Order())
            if (CgroupFileFormat.Number(dir.TryRead($"hugetlb.{size}.usage_in_bytes")) is { } usage)
                stats.Hugetlb.Add(new HugetlbStats(size, usage, CgroupFileFormat.Number(dir.TryRead($"hugetlb.{size}.limit_in_bytes")),
                    CgroupFileFormat.Number(dir.TryRead($"hugetlb.{size}.failcnt")) ?? 0));
    }

    public override void ReadV2Stats(CgroupDirectory dir, CgroupStatsBuilder stats)
    {
        foreach (var size in MachineTopology.Host.HugePageSizes.Order())
            if (CgroupFileFormat.Number(dir.TryRead($"hugetlb.{size}.current")) is { } usage)
                stats.Hugetlb.Add(new HugetlbStats(size, usage, CgroupFileFormat.Number(dir.TryRead($"hugetlb.{size}.max")),
                    CgroupFileFormat.FlatKeyed(dir.TryRead($"hugetlb.{size}.events")).GetValueOrDefault("max")));
    }
}
