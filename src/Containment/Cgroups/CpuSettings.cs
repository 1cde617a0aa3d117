namespace Containment.Cgroups;

/// <summary>CPU controller settings. Null fields are left as the kernel has them.</summary>
public sealed record CpuSettings
{
    /// <summary>The default period of a quota, in microseconds (100 ms).</summary>
    public const long DefaultPeriod = 100_000;

    /// <summary>Relative share 2–262144 (v1 <c>cpu.shares</c>; on v2 converted to <c>cpu.weight</c>).</summary>
    public long? Shares { get; init; }

    /// <summary>Relative weight 1–10000 (v2 <c>cpu.weight</c>; on v1 converted to <c>cpu.shares</c>).</summary>
    public long? Weight { get; init; }

    /// <summary>CPU time allowed per period, in microseconds, or <see cref="CgroupSpec.Unlimited"/> (v1 <c>cpu.cfs_quota_us</c>, v2 <c>cpu.max</c>).</summary>
    public long? Quota { get; init; }

    /// <summary>The quota's period in microseconds (v1 <c>cpu.cfs_period_us</c>, v2 the second field of <c>cpu.max</c>).</summary>
    public long? Period { get; init; }

    /// <summary>Unused quota that may be carried over, in microseconds (v1 <c>cpu.cfs_burst_us</c>, v2 <c>cpu.max.burst</c>).</summary>
    public long? Burst { get; init; }

    /// <summary>Schedule as SCHED_IDLE (<c>cpu.idle</c>).</summary>
    public bool? Idle { get; init; }

    /// <summary>v2 weight from v1 shares: <c>1 + ((shares - 2) * 9999) / 262142</c>.</summary>
    internal static long SharesToWeight(long shares) => shares == 0 ? 0 : 1 + (shares - 2) * 9999 / 262142;

    /// <summary>v1 shares from a v2 weight: the inverse of <see cref="SharesToWeight"/>.</summary>
    internal static long WeightToShares(long weight) => 2 + (weight - 1) * 262142 / 9999;
}
