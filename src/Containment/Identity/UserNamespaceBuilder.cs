namespace Containment.Identity;

/// <summary>Builds a <see cref="UserNamespaceSpec"/>: see <see cref="ContainerSpec.WithUserNamespace(Action{UserNamespaceBuilder})"/>.</summary>
public sealed class UserNamespaceBuilder
{
    internal UserNamespaceBuilder(UserNamespaceSpec start) => Spec = start;

    internal UserNamespaceSpec Spec { get; private set; }

    /// <summary>Maps container uids <paramref name="containerId"/>… to host uids <paramref name="hostId"/>… (<paramref name="size"/> of them).</summary>
    public UserNamespaceBuilder MapUser(uint containerId, uint hostId, uint size = 1)
    {
        Spec = Spec with { UidMappings = Spec.UidMappings.Add(new IdMapping(containerId, hostId, size)) };
        return this;
    }

    /// <summary>Maps container gids <paramref name="containerId"/>… to host gids <paramref name="hostId"/>… (<paramref name="size"/> of them).</summary>
    public UserNamespaceBuilder MapGroup(uint containerId, uint hostId, uint size = 1)
    {
        Spec = Spec with { GidMappings = Spec.GidMappings.Add(new IdMapping(containerId, hostId, size)) };
        return this;
    }

    /// <summary>
    /// Maps the calling user and group to root (0) inside: the one mapping an unprivileged user may write without
    /// helpers. The container's root is then the caller on the host.
    /// </summary>
    public UserNamespaceBuilder MapCurrentUserToRoot() =>
        MapUser(0, HostCredentials.EffectiveUid).MapGroup(0, HostCredentials.EffectiveGid);

    /// <summary>
    /// Maps root inside to the caller, and container ids 1… to the caller's subordinate ranges from
    /// <c>/etc/subuid</c> and <c>/etc/subgid</c> (written with <c>newuidmap</c>/<c>newgidmap</c> when the caller is not root).
    /// Without subordinate ranges, only root is mapped.
    /// </summary>
    public UserNamespaceBuilder MapCurrentUserWithSubordinateIds()
    {
        MapCurrentUserToRoot();
        MapSubordinateRanges(1);
        return this;
    }

    /// <summary>
    /// Maps container ids 0… (root first) to the caller's subordinate ranges from <c>/etc/subuid</c> and
    /// <c>/etc/subgid</c>, and does not map the caller at all: the container's root is then a host id of its own, so
    /// what belongs to the caller (files, unix sockets, FIFOs, keys) is "other" to the container. The default of a
    /// rootless host whose user has subordinate ranges; written with <c>newuidmap</c>/<c>newgidmap</c>. Without
    /// ranges nothing is mapped (and validation says so).
    /// </summary>
    public UserNamespaceBuilder MapSubordinateIds()
    {
        MapSubordinateRanges(0);
        return this;
    }

    private void MapSubordinateRanges(uint first)
    {
        var name = HostCredentials.UserName;
        var next = first;
        foreach (var range in SubordinateIds.Read("/etc/subuid", name, HostCredentials.EffectiveUid))
        {
            MapUser(next, range.Start, range.Count);
            next += range.Count;
        }
        next = first;
        foreach (var range in SubordinateIds.Read("/etc/subgid", name, HostCredentials.EffectiveUid))
        {
            MapGroup(next, range.Start, range.Count);
            next += range.Count;
        }
    }
}
