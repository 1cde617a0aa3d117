namespace Containment.Cgroups;

/// <summary>Memory controller settings. Null fields are left as the kernel has them.</summary>
public sealed record MemorySettings
{
    /// <summary>The hard limit in bytes, or <see cref="CgroupSpec.Unlimited"/> (v1 <c>memory.limit_in_bytes</c>, v2 <c>memory.max</c>).</summary>
    public long? Max { get; init; }

    /// <summary>The reservation in bytes (v1 <c>memory.soft_limit_in_bytes</c>, v2 <c>memory.low</c>).</summary>
    public long? Reservation { get; init; }

    /// <summary>
    /// The limit of memory <em>plus</em> swap in bytes, or <see cref="CgroupSpec.Unlimited"/>, as OCI's
    /// <c>memory.swap</c> and docker's <c>--memory-swap</c> (v1 <c>memory.memsw.limit_in_bytes</c>;
    /// v2 <c>memory.swap.max</c> = this minus <see cref="Max"/>).
    /// </summary>
    public long? MemoryAndSwapMax { get; init; }

    /// <summary>Swappiness 0–100 (v1 <c>memory.swappiness</c>; cgroup v2 has no equivalent).</summary>
    public int? Swappiness { get; init; }

    /// <summary>Kill the whole cgroup when the OOM killer picks one of its processes (v2 <c>memory.oom.group</c>).</summary>
    public bool? OomGroup { get; init; }

    /// <summary>
    /// Turns the OOM killer off for the cgroup: at the limit its processes wait for memory instead of being killed
    /// (v1 <c>memory.oom_control</c>; cgroup v2 has no such switch).
    /// </summary>
    public bool? DisableOomKiller { get; init; }
}
