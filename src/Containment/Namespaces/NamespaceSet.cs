using System.Collections.Immutable;

namespace Containment.Namespaces;

/// <summary>
/// Which namespaces a container gets of its own, joins, or shares with its host. Immutable: every
/// method returns a new set. A kind that is absent is shared with the host.
/// </summary>
public sealed class NamespaceSet
{
    private readonly ImmutableSortedDictionary<NamespaceKind, NamespaceSetting> _settings;

    private NamespaceSet(ImmutableSortedDictionary<NamespaceKind, NamespaceSetting> settings) => _settings = settings;

    /// <summary>Nothing new: every namespace is shared with the host.</summary>
    public static NamespaceSet Host { get; } = new(ImmutableSortedDictionary<NamespaceKind, NamespaceSetting>.Empty);

    /// <summary>New pid, mount, uts, ipc, network and cgroup namespaces: the usual isolated container.</summary>
    public static NamespaceSet Isolated { get; } = Host
        .With(NamespaceKind.Pid).With(NamespaceKind.Mount).With(NamespaceKind.Uts)
        .With(NamespaceKind.Ipc).With(NamespaceKind.Network).With(NamespaceKind.Cgroup);

    /// <summary>Every kind with its setting, in a fixed order.</summary>
    public IReadOnlyDictionary<NamespaceKind, NamespaceSetting> Settings => _settings;

    /// <summary>A set where <paramref name="kind"/> is new to the container.</summary>
    public NamespaceSet With(NamespaceKind kind) => new(_settings.SetItem(kind, NamespaceSetting.New));

    /// <summary>A set where the container joins the namespace of <paramref name="kind"/> found at <paramref name="path"/>.</summary>
    public NamespaceSet Join(NamespaceKind kind, string path) => new(_settings.SetItem(kind, NamespaceSetting.Join(path)));

    /// <summary>A set where <paramref name="kind"/> is shared with the host.</summary>
    public NamespaceSet Without(NamespaceKind kind) => new(_settings.Remove(kind));

    /// <summary>Whether the container gets a namespace of this kind of its own.</summary>
    public bool IsNew(NamespaceKind kind) => _settings.TryGetValue(kind, out var s) && s is NamespaceSetting.NewNamespace;

    /// <summary>The setting for a kind, or null when it is shared with the host.</summary>
    public NamespaceSetting? this[NamespaceKind kind] => _settings.GetValueOrDefault(kind);

    /// <inheritdoc />
    public override string ToString() => string.Join(",", _settings.Select(kv =>
        kv.Value is NamespaceSetting.JoinNamespace j ? $"{kv.Key}={j.Path}" : kv.Key.ToString()));
}
