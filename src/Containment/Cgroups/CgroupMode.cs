namespace Containment.Cgroups;

/// <summary>How the machine's cgroup filesystems are laid out.</summary>
public enum CgroupMode
{
    /// <summary>cgroup v1 hierarchies only (<c>/sys/fs/cgroup</c> is a tmpfs of v1 mounts).</summary>
    Legacy,

    /// <summary>cgroup v1 hierarchies plus a cgroup2 mount (usually <c>/sys/fs/cgroup/unified</c>).</summary>
    Hybrid,

    /// <summary>cgroup v2 only (<c>/sys/fs/cgroup</c> is the cgroup2 filesystem).</summary>
    Unified,
}
