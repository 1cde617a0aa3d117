namespace Containment.Cgroups.Controllers;

/// <summary>Collects the parts of a <see cref="CgroupStats"/> that different controllers (and v1 hierarchies) read.</summary>
internal sealed class CgroupStatsBuilder
{
    public MemoryStats? Memory;
    public PidsStats? Pids;
    public IoStats? Io;
    public List<HugetlbStats> Hugetlb = [];
    public TimeSpan? CpuUsage, CpuUser, CpuSystem;
    public long? Periods, ThrottledPeriods;
    public TimeSpan? Throttled;

    public CgroupStats Build() => new()
    {
        Timestamp = DateTimeOffset.UtcNow,
        Memory = Memory,
        Pids = Pids,
        Io = Io,
        Hugetlb = Hugetlb,
        Cpu = CpuUsage is null && Periods is null ? null
            : new CpuStats(CpuUsage ?? TimeSpan.Zero, CpuUser, CpuSystem, Periods ?? 0, ThrottledPeriods ?? 0, Throttled ?? TimeSpan.Zero),
    };
}
