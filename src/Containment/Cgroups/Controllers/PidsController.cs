using Containment.Cgroups.Fs;

namespace Containment.Cgroups.Controllers;

/// <summary>pids: the process limit and count.</summary>
internal sealed class PidsController : CgroupController
{
    public override string Name => "pids";

    public override bool IsRequested(CgroupSpec spec) => spec.PidsMax is not null;

    public override IEnumerable<CgroupWrite> V1Writes(CgroupSpec spec) => V2Writes(spec);

    public override IEnumerable<CgroupWrite> V2Writes(CgroupSpec spec)
    {
        if (spec.PidsMax is { } max) yield return new("pids.max", V2Limit(max));
    }

    public override void ReadV1Stats(CgroupDirectory dir, CgroupStatsBuilder stats) => ReadV2Stats(dir, stats);

    public override void ReadV2Stats(CgroupDirectory dir, CgroupStatsBuilder stats)
    {
        if (CgroupFileFormat.Number(dir.TryRead("pids.current")) is { } current)
            stats.Pids = new PidsStats(current, CgroupFileFormat.Number(dir.TryRead("pids.max")));
    }
}
