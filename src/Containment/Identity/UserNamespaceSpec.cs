using System.Collections.Immutable;

namespace Containment.Identity;

/// <summary>
/// The id mappings of a container's new user namespace. Immutable; build one with
/// <see cref="ContainerSpec.WithUserNamespace(Action{UserNamespaceBuilder})"/>.
/// </summary>
public sealed record UserNamespaceSpec
{
    /// <summary>No mappings yet.</summary>
    public static UserNamespaceSpec Empty { get; } = new();

    /// <summary>The <c>uid_map</c> lines, in order.</summary>
    public ImmutableArray<IdMapping> UidMappings { get; init; } = [];

    /// <summary>The <c>gid_map</c> lines, in order.</summary>
    public ImmutableArray<IdMapping> GidMappings { get; init; } = [];

    /// <summary>Whether container uid <paramref name="uid"/> is mapped.</summary>
    public bool MapsUid(uint uid) => UidMappings.Any(m => m.MapsContainerId(uid));

    /// <summary>Whether container gid <paramref name="gid"/> is mapped.</summary>
    public bool MapsGid(uint gid) => GidMappings.Any(m => m.MapsContainerId(gid));

    /// <summary>The map's text as written to <c>/proc/PID/uid_map</c> or <c>gid_map</c>.</summary>
    internal static string MapText(IEnumerable<IdMapping> mappings) => string.Concat(mappings.Select(m => m + "\n"));

    /// <inheritdoc />
    public bool Equals(UserNamespaceSpec? other) =>
        other is not null && UidMappings.SequenceEqual(other.UidMappings) && GidMappings.SequenceEqual(other.GidMappings);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(UidMappings.Length, GidMappings.Length);
}
