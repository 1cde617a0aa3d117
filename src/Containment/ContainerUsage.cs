namespace Containment;

/// <summary>
/// What a container's run cost: its wall time, and from its cgroup (when it has one) the CPU time of every process in
/// it and the highest memory use.
/// </summary>
/// <param name="WallTime">From the program's exec to its exit.</param>
/// <param name="UserTime">CPU time in user mode (cgroup <c>cpuacct.usage_user</c> on v1, <c>cpu.stat user_usec</c> on v2), or null without a cgroup.</param>
/// <param name="SystemTime">CPU time in the kernel (<c>cpuacct.usage_sys</c>, <c>cpu.stat system_usec</c>), or null without a cgroup.</param>
/// <param name="PeakMemory">The highest memory use in bytes (<c>memory.max_usage_in_bytes</c> on v1, <c>memory.peak</c> on v2), or null without a cgroup.</param>
public sealed record ContainerUsage(TimeSpan WallTime, TimeSpan? UserTime, TimeSpan? SystemTime, long? PeakMemory)
{
    /// <summary>User plus system CPU time, or null without a cgroup.</summary>
    public TimeSpan? CpuTime => UserTime is { } user && SystemTime is { } system ? user + system : null;
}
