namespace Containment.Oci;

/// <summary>The container's root filesystem (<c>root</c> in config.json).</summary>
internal sealed record OciRoot
{
    /// <summary>The path of the root filesystem, absolute or relative to the bundle.</summary>
    public string Path { get; init; } = "";

    /// <summary>Whether the root filesystem is made read-only.</summary>
    public bool? Readonly { get; init; }
}

/// <summary>One entry of <c>mounts</c>.</summary>
internal sealed record OciMount
{
    /// <summary>Value equality: the same data, lists and maps compared by content.</summary>
    public bool Equals(OciMount? other) => OciEquality.Same(this, other, OciJsonContext.Default.OciMount);

    /// <inheritdoc />
    public override int GetHashCode() => OciEquality.Hash(this, OciJsonContext.Default.OciMount);

    /// <summary>Where the mount is placed inside the container; an absolute path.</summary>
    public string Destination { get; init; } = "";

    /// <summary>The filesystem type (<c>proc</c>, <c>tmpfs</c>, <c>bind</c>, <c>none</c>...).</summary>
    public string? Type { get; init; }

    /// <summary>The device, path or pseudo-source mounted.</summary>
    public string? Source { get; init; }

    /// <summary>fstab-style options (<c>nosuid</c>, <c>rbind</c>, <c>mode=755</c>...).</summary>
    public IReadOnlyList<string>? Options { get; init; }

    /// <summary>User id mappings for an id-mapped mount.</summary>
    public IReadOnlyList<OciIdMapping>? UidMappings { get; init; }

    /// <summary>Group id mappings for an id-mapped mount.</summary>
    public IReadOnlyList<OciIdMapping>? GidMappings { get; init; }
}
