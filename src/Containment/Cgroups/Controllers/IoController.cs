using Containment.Cgroups.Fs;

namespace Containment.Cgroups.Controllers;

/// <summary>io (v1 blkio): weights and throttles; bytes and operations.</summary>
internal sealed class IoController : CgroupController
{
    public override string Name => "io";
    public override string V1Name => "blkio";

    public override bool IsRequested(CgroupSpec spec) => spec.Io is not null;

    public override IEnumerable<CgroupWrite> V1Writes(CgroupSpec spec)
    {
        if (spec.Io is not { } io) yield break;
        if (io.Weight is { } weight) yield return new("blkio.weight", weight.ToString(), "blkio.bfq.weight");
        foreach (var d in io.DeviceWeights)
            yield return new("blkio.weight_device", $"{d.Major}:{d.Minor} {d.Weight}", "blkio.bfq.weight_device");
        foreach (var t in io.Throttles)
        {
            var file = t.Kind switch
            {
                IoThrottleKind.ReadBytesPerSecond => "blkio.throttle.read_bps_device",
                IoThrottleKind.WriteBytesPerSecond => "blkio.throttle.write_bps_device",
                IoThrottleKind.ReadOpsPerSecond => "blkio.throttle.read_iops_device",
                _ => "blkio.throttle.write_iops_device",
            };
            yield return new(file, $"{t.Major}:{t.Minor} {t.Rate}");
        }
    }

    public override IEnumerable<CgroupWrite> V2Writes(CgroupSpec spec)
    {
        if (spec.Io is not { } io) yield break;
        if (io.Weight is { } weight) yield return new("io.weight", $"default {IoSettings.ToV2Weight(weight)}", "io.bfq.weight");
        foreach (var d in io.DeviceWeights)
            yield return new("io.weight", $"{d.Major}:{d.Minor} {IoSettings.ToV2Weight(d.Weight)}", "io.bfq.weight");
        foreach (var t in io.Throttles)
        {
            var key = t.Kind switch
            {
                IoThrottleKind.ReadBytesPerSecond => "rbps",
                IoThrottleKind.WriteBytesPerSecond => "wbps",
                IoThrottleKind.ReadOpsPerSecond => "riops",
                _ => "wiops",
            };
            yield return new("io.max", $"{t.Major}:{t.Minor} {key}={t.Rate}");
        }
    }

    public override void ReadV1Stats(CgroupDirectory dir, CgroupStatsBuilder stats)
    {
        var bytes = dir.TryRead("blkio.throttle.io_service_bytes_recursive");
        if (bytes is null) return;
        var b = CgroupFileFormat.BlkioTotals(bytes);
        var ops = CgroupFileFormat.BlkioTotals(dir.TryRead("blkio.throttle.io_serviced_recursive"));
        stats.Io = new IoStats(b.GetValueOrDefault("Read"), b.GetValueOrDefault("Write"), ops.GetValueOrDefault("Read"), ops.GetValueOrDefault("Write"));
    }

    public override void ReadV2Stats(CgroupDirectory dir, CgroupStatsBuilder stats)
    {
        var text = dir.TryRead("io.stat");
        if (text is null) return;
        var t = CgroupFileFormat.NestedKeyedTotals(text);
        stats.Io = new IoStats(t.GetValueOrDefault("rbytes"), t.GetValueOrDefault("wbytes"), t.GetValueOrDefault("rios"), t.GetValueOrDefault("wios"));
    }
}
