using System.Collections.Immutable;

namespace Containment.Mounts;

/// <summary>
/// One mount, in the form of an OCI <c>mounts</c> entry: where it goes, the filesystem type, the source, and
/// fstab-style options (<c>bind</c>, <c>rbind</c>, <c>ro</c>, <c>nosuid</c>, <c>rro</c>, <c>rslave</c>,
/// <c>mode=755</c>, <c>size=65536k</c>...). Options this library knows become mount flags, recursive attributes
/// or propagation; any other option is passed to the filesystem as data, as runc does.
/// </summary>
/// <param name="Destination">An absolute path inside the container. Resolved beneath the root, created when missing.</param>
/// <param name="Type">The filesystem type (<c>tmpfs</c>, <c>proc</c>, <c>sysfs</c>, <c>overlay</c>...), or <c>bind</c>.
/// A mount whose options contain <c>bind</c> or <c>rbind</c> is a bind mount whatever its type.</param>
/// <param name="Source">For a bind mount, an absolute host path; for a filesystem, its source name (<c>tmpfs</c>, <c>proc</c>).</param>
/// <param name="Options">fstab-style options, applied in order (the last of two contradicting options wins).</param>
public sealed record Mount(string Destination, string Type, string Source, ImmutableArray<string> Options)
{
    /// <summary>A mount with these options.</summary>
    public Mount(string destination, string type, string source, params string[] options)
        : this(destination, type, source, options.ToImmutableArray()) { }

    /// <summary>Whether this is a bind mount (the type <c>bind</c>, or a <c>bind</c>/<c>rbind</c> option).</summary>
    public bool IsBind => Type == "bind" || (!Options.IsDefault && Options.Any(o => o is "bind" or "rbind"));

    /// <summary>Value equality, options compared by content.</summary>
    public bool Equals(Mount? other) =>
        other is not null && Destination == other.Destination && Type == other.Type && Source == other.Source &&
        (Options.IsDefault ? [] : Options).SequenceEqual(other.Options.IsDefault ? [] : other.Options);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Destination, Type, Source);

    /// <inheritdoc />
    public override string ToString() =>
        $"{Type} {Source} on {Destination}" + (Options.IsDefaultOrEmpty ? "" : $" ({string.Join(",", Options)})");
}
