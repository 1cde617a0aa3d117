namespace Containment.Namespaces;

/// <summary>What a container does about one kind of namespace.</summary>
public abstract record NamespaceSetting
{
    private NamespaceSetting() { }

    /// <summary>The container gets a namespace of its own.</summary>
    public static NamespaceSetting New { get; } = new NewNamespace();

    /// <summary>The container joins the namespace at <paramref name="path"/> (<c>/proc/PID/ns/net</c>, or a bind-mounted ns file).</summary>
    public static NamespaceSetting Join(string path) => new JoinNamespace(path);

    /// <summary>A namespace of its own.</summary>
    public sealed record NewNamespace : NamespaceSetting;

    /// <summary>An existing namespace, named by a path.</summary>
    /// <param name="Path">An absolute path to a namespace file.</param>
    public sealed record JoinNamespace(string Path) : NamespaceSetting;
}
