namespace Containment.Cgroups;

/// <summary>cpuset controller settings, as kernel lists such as <c>0-3,6</c>.</summary>
public sealed record CpusetSettings
{
    /// <summary>The CPUs the processes may run on (<c>cpuset.cpus</c>).</summary>
    public string? Cpus { get; init; }

    /// <summary>The memory nodes they may allocate from (<c>cpuset.mems</c>).</summary>
    public string? Mems { get; init; }
}
