using Containment.Cgroups.Fs;

namespace Containment.Cgroups.Controllers;

/// <summary>cpu: shares/weight, quota and period, burst, idle; usage (v2) and throttling.</summary>
internal sealed class CpuController : CgroupController
{
    public override string Name => "cpu";

    public override bool IsRequested(CgroupSpec spec) => spec.Cpu is not null;

    public override IEnumerable<CgroupWrite> V1Writes(CgroupSpec spec)
    {
        if (spec.Cpu is not { } c) yield break;
        if ((c.Shares ?? (c.Weight is { } w ? CpuSettings.WeightToShares(w) : null)) is { } shares)
            yield return new("cpu.shares", shares.ToString());
        if (c.Period is { } period) yield return new("cpu.cfs_period_us", period.ToString());
        if (c.Quota is { } quota) yield return new("cpu.cfs_quota_us", quota.ToString());
        if (c.Burst is { } burst) yield return new("cpu.cfs_burst_us", burst.ToString());
        if (c.Idle is { } idle) yield return new("cpu.idle", idle ? "1" : "0");
    }

    public override IEnumerable<CgroupWrite> V2Writes(CgroupSpec spec)
    {
        if (spec.Cpu is not { } c) yield break;
        if ((c.Weight ?? (c.Shares is { } s ? CpuSettings.SharesToWeight(s) : null)) is { } weight)
            yield return new("cpu.weight", weight.ToString());
        if (c.Quota is not null || c.Period is not null)
            yield return new("cpu.max", c.Quota is null or CgroupSpec.Unlimited
                ? $"max{(c.Period is { } p ? " " + p : "")}"
                : $"{c.Quota}{(c.Period is { } period ? " " + period : "")}");
        if (c.Burst is { } burst) yield return new("cpu.max.burst", burst.ToString());
        if (c.Idle is { } idle) yield return new("cpu.idle", idle ? "1" : "0");
    }

    public override void ReadV1Stats(CgroupDirectory dir, CgroupStatsBuilder stats)
    {
        var s = CgroupFileFormat.FlatKeyed(dir.TryRead("cpu.stat"));
        if (s.Count == 0) return;
        stats.Periods = s.GetValueOrDefault("nr_periods");
        stats.ThrottledPeriods = s.GetValueOrDefault("nr_throttled");
        stats.Throttled = TimeSpan.FromTicks(s.GetValueOrDefault("throttled_time") / 100);
    }

    public override void ReadV2Stats(CgroupDirectory dir, CgroupStatsBuilder stats)
    {
        var s = CgroupFileFormat.FlatKeyed(dir.TryRead("cpu.stat"));
        if (s.Count == 0) return;
        stats.CpuUsage = TimeSpan.FromMicroseconds(s.GetValueOrDefault("usage_usec"));
        stats.CpuUser = TimeSpan.FromMicroseconds(s.GetValueOrDefault("user_usec"));
        stats.CpuSystem = TimeSpan.FromMicroseconds(s.GetValueOrDefault("system_usec"));
        stats.Periods = s.GetValueOrDefault("nr_periods");
        stats.ThrottledPeriods = s.GetValueOrDefault("nr_throttled");
        stats.Throttled = TimeSpan.FromMicroseconds(s.GetValueOrDefault("throttled_usec"));
    }
}

/// <summary>cpuacct (v1 only, statistics only: on v2 the cpu controller reports usage).</summary>
internal sealed class CpuacctController : CgroupController
{
    public override string Name => "cpuacct";
    public override bool ExistsOnV2 => false;
    public override bool IsRequested(CgroupSpec spec) => false;
    public override IEnumerable<CgroupWrite> V1Writes(CgroupSpec spec) => [];
    public override IEnumerable<CgroupWrite> V2Writes(CgroupSpec spec) => [];

    public override void ReadV1Stats(CgroupDirectory dir, CgroupStatsBuilder stats)
    {
        if (CgroupFileFormat.Number(dir.TryRead("cpuacct.usage")) is not { } usage) return;
        stats.CpuUsage = TimeSpan.FromTicks(usage / 100);
        if (CgroupFileFormat.Number(dir.TryRead("cpuacct.usage_user")) is { } user) stats.CpuUser = TimeSpan.FromTicks(user / 100);
        if (CgroupFileFormat.Number(dir.TryRead("cpuacct.usage_sys")) is { } sys) stats.CpuSystem = TimeSpan.FromTicks(sys / 100);
    }
}
