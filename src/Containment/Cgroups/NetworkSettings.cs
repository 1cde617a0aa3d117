namespace Containment.Cgroups;

/// <summary>cgroup v1 network classification (<c>net_cls</c>, <c>net_prio</c>); cgroup v2 has neither.</summary>
public sealed record NetworkSettings
{
    /// <summary>The class id tagged on outgoing packets (<c>net_cls.classid</c>).</summary>
    public uint? ClassId { get; init; }

    /// <summary>Per-interface priorities (<c>net_prio.ifpriomap</c>).</summary>
    public IReadOnlyList<NetworkPriority> Priorities { get; init; } = [];
}

/// <summary>The priority of a container's traffic on one interface.</summary>
/// <param name="Interface">The interface name (<c>eth0</c>).</param>
/// <param name="Priority">The priority of the traffic (v1 <c>net_prio.ifpriomap</c>; higher is more important).</param>
public sealed record NetworkPriority(string Interface, uint Priority);
