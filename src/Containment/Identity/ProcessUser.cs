using System.Collections.Immutable;

namespace Containment.Identity;

/// <summary>
/// The ids a container's process runs as, inside its user namespace. Immutable. Default: <see cref="Root"/>.
/// </summary>
/// <param name="Uid">The real, effective and saved user id.</param>
/// <param name="Gid">The real, effective and saved group id.</param>
/// <param name="AdditionalGids">The supplementary groups (<c>setgroups</c>); empty clears them.</param>
public sealed record ProcessUser(uint Uid, uint Gid, ImmutableArray<uint> AdditionalGids)
{
    /// <summary>uid 0, gid 0, no supplementary groups.</summary>
    public static ProcessUser Root { get; } = new(0, 0, []);

    /// <summary>Whether this is uid 0.</summary>
    public bool IsRoot => Uid == 0;

    /// <inheritdoc />
    public bool Equals(ProcessUser? other) =>
        other is not null && Uid == other.Uid && Gid == other.Gid && AdditionalGids.SequenceEqual(other.AdditionalGids);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Uid, Gid, AdditionalGids.Length);

    /// <summary><c>uid:gid</c>, then the supplementary groups.</summary>
    public override string ToString() =>
        AdditionalGids.IsDefaultOrEmpty ? $"{Uid}:{Gid}" : $"{Uid}:{Gid} groups {string.Join(",", AdditionalGids)}";
}
