namespace Containment.Cgroups;

/// <summary>A snapshot of a cgroup's resource use. A section is null when its controller is not available.</summary>
public sealed record CgroupStats
{
    /// <summary>When the snapshot was taken.</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>Memory use and OOM counters.</summary>
    public MemoryStats? Memory { get; init; }

    /// <summary>CPU time and throttling.</summary>
    public CpuStats? Cpu { get; init; }

    /// <summary>Process count.</summary>
    public PidsStats? Pids { get; init; }

    /// <summary>Block I/O totals over every device.</summary>
    public IoStats? Io { get; init; }

    /// <summary>Huge page use, one entry per page size.</summary>
    public IReadOnlyList<HugetlbStats> Hugetlb { get; init; } = [];
}

/// <summary>Memory use.</summary>
/// <param name="Usage">Bytes in use now.</param>
/// <param name="Peak">The highest usage seen, when the kernel reports it.</param>
/// <param name="Limit">The limit in bytes, or null for none.</param>
/// <param name="FailCount">How often usage hit the limit (v1 <c>memory.failcnt</c>, v2 <c>max</c> in <c>memory.events</c>).</param>
/// <param name="OomEvents">How often the OOM state was entered (v2 <c>oom</c>); null on v1, which does not count it.</param>
/// <param name="OomKills">Processes killed by the OOM killer (<c>oom_kill</c>).</param>
public sealed record MemoryStats(long Usage, long? Peak, long? Limit, long FailCount, long? OomEvents, long OomKills);

/// <summary>CPU time and throttling.</summary>
/// <param name="Usage">CPU time of every process in the cgroup since it was created (user and system).</param>
/// <param name="User">User-mode CPU time, when reported.</param>
/// <param name="System">Kernel-mode CPU time, when reported.</param>
/// <param name="Periods">Enforcement periods that have elapsed (<c>nr_periods</c>).</param>
/// <param name="ThrottledPeriods">Periods in which the cgroup was throttled (<c>nr_throttled</c>).</param>
/// <param name="Throttled">How long its processes were held back by the CPU quota, in total.</param>
public sealed record CpuStats(TimeSpan Usage, TimeSpan? User, TimeSpan? System, long Periods, long ThrottledPeriods, TimeSpan Throttled);

/// <summary>Process count.</summary>
/// <param name="Current">Processes and threads now.</param>
/// <param name="Limit">The most processes and threads, or null for none.</param>
public sealed record PidsStats(long Current, long? Limit);

/// <summary>Block I/O totals over every device.</summary>
/// <param name="ReadBytes">Bytes read.</param>
/// <param name="WriteBytes">Bytes written.</param>
/// <param name="ReadOps">Read operations (a count).</param>
/// <param name="WriteOps">Write operations (a count).</param>
public sealed record IoStats(long ReadBytes, long WriteBytes, long ReadOps, long WriteOps);

/// <summary>Huge page use of one page size.</summary>
/// <param name="PageSize">The page size (<c>2MB</c>).</param>
/// <param name="Usage">Bytes in use.</param>
/// <param name="Limit">The limit in bytes, or null for none.</param>
/// <param name="FailCount">Allocations refused by the limit.</param>
public sealed record HugetlbStats(string PageSize, long Usage, long? Limit, long FailCount);

/// <summary>The cgroup ran out of memory.</summary>
/// <param name="Timestamp">When the library noticed the event (not when the kernel counted it).</param>
/// <param name="OomKills">The cgroup's OOM-kill count after the event.</param>
public sealed record CgroupOomEvent(DateTimeOffset Timestamp, long OomKills);
