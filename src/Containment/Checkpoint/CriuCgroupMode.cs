namespace Containment.Checkpoint;

/// <summary>How CRIU handles cgroups (its <c>--manage-cgroups</c> modes, runc's <c>--manage-cgroups-mode</c>).</summary>
public enum CriuCgroupMode
{
    /// <summary>Restore the cgroup paths; set properties only on cgroups CRIU creates (runc's default).</summary>
    Soft = 3,

    /// <summary>Restore the cgroup paths and every property.</summary>
    Full = 4,

    /// <summary>Like <see cref="Full"/>, and fail when a cgroup exists but differs.</summary>
    Strict = 5,

    /// <summary>Leave cgroups alone: the processes are restored where their restorer is.</summary>
    Ignore = 0,
}
