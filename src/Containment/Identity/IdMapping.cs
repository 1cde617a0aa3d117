namespace Containment.Identity;

/// <summary>
/// One line of a user namespace's <c>uid_map</c> or <c>gid_map</c>: ids <paramref name="ContainerId"/> …
/// <c>ContainerId + Size - 1</c> inside are <paramref name="HostId"/> … outside.
/// </summary>
/// <param name="ContainerId">The first id inside the namespace.</param>
/// <param name="HostId">The id it is on the host (in the parent user namespace).</param>
/// <param name="Size">How many consecutive ids the line maps (at least 1).</param>
public readonly record struct IdMapping(uint ContainerId, uint HostId, uint Size)
{
    /// <summary>The line as the kernel reads it: <c>"0 100000 65536"</c>.</summary>
    public override string ToString() => $"{ContainerId} {HostId} {Size}";

    /// <summary>Whether container id <paramref name="id"/> is in this range.</summary>
    public bool MapsContainerId(uint id) => id >= ContainerId && (ulong)id < (ulong)ContainerId + Size;
}
