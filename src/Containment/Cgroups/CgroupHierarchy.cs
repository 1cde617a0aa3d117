namespace Containment.Cgroups;

/// <summary>One mounted cgroup hierarchy: a v1 hierarchy with its controllers, or the cgroup2 mount.</summary>
/// <param name="MountPoint">Where it is mounted (<c>/sys/fs/cgroup/memory</c>).</param>
/// <param name="MountRoot">The cgroup the mount shows as its root (mountinfo's root field, usually <c>/</c>).</param>
/// <param name="Controllers">The v1 controllers bound to it (empty for cgroup2: ask its <c>cgroup.controllers</c>).</param>
/// <param name="IsUnified">Whether this is the cgroup2 filesystem.</param>
/// <param name="OwnPath">This process's cgroup in it, from /proc/self/cgroup (<c>/</c> when unknown).</param>
internal sealed record CgroupHierarchy(string MountPoint, string MountRoot, IReadOnlySet<string> Controllers, bool IsUnified, string OwnPath)
{
    /// <summary>The v1 controllers this library knows, by their v1 names.</summary>
    public static readonly IReadOnlySet<string> KnownV1Controllers = new HashSet<string>
    {
        "cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "net_cls", "net_prio", "blkio", "perf_event",
        "hugetlb", "pids", "rdma", "misc",
    };

    /// <summary>A name for logs: <c>memory</c>, <c>cpu,cpuacct</c>, <c>unified</c>.</summary>
    public string Name => IsUnified ? "unified" : string.Join(",", Controllers.Order());
}
