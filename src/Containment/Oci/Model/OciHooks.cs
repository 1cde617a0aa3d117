namespace Containment.Oci;

/// <summary>Commands run at points of the container's lifecycle (<c>hooks</c> in config.json).</summary>
internal sealed record OciHooks
{
    /// <summary>Value equality: the same data, lists and maps compared by content.</summary>
    public bool Equals(OciHooks? other) => OciEquality.Same(this, other, OciJsonContext.Default.OciHooks);

    /// <inheritdoc />
    public override int GetHashCode() => OciEquality.Hash(this, OciJsonContext.Default.OciHooks);

    /// <summary>Deprecated: run after the container is created, before pivot_root, in the runtime namespace.</summary>
    public IReadOnlyList<OciHook>? Prestart { get; init; }

    /// <summary>Run during create, after the namespaces exist, before pivot_root, in the runtime namespace.</summary>
    public IReadOnlyList<OciHook>? CreateRuntime { get; init; }

    /// <summary>Run during create, before pivot_root, in the container namespace.</summary>
    public IReadOnlyList<OciHook>? CreateContainer { get; init; }

    /// <summary>Run during start, before the user process is executed, in the container namespace.</summary>
    public IReadOnlyList<OciHook>? StartContainer { get; init; }

    /// <summary>Run after the user process started, in the runtime namespace.</summary>
    public IReadOnlyList<OciHook>? Poststart { get; init; }

    /// <summary>Run after the container is deleted, in the runtime namespace.</summary>
    public IReadOnlyList<OciHook>? Poststop { get; init; }
}

/// <summary>One hook: a command that receives the container's state on its standard input.</summary>
internal sealed record OciHook
{
    /// <summary>Value equality: the same data, lists and maps compared by content.</summary>
    public bool Equals(OciHook? other) => OciEquality.Same(this, other, OciJsonContext.Default.OciHook);

    /// <inheritdoc />
    public override int GetHashCode() => OciEquality.Hash(this, OciJsonContext.Default.OciHook);

    /// <summary>The absolute path of the executable.</summary>
    public string Path { get; init; } = "";

    /// <summary>Its arguments, including <c>argv[0]</c>.</summary>
    public IReadOnlyList<string>? Args { get; init; }

    /// <summary>Its environment, as <c>KEY=value</c> strings.</summary>
    public IReadOnlyList<string>? Env { get; init; }

    /// <summary>Seconds after which the hook is aborted; greater than zero.</summary>
    public int? Timeout { get; init; }

    /// <summary>The hook as the library runs it.</summary>
    public Hooks.ContainerHook ToContainerHook() => new(Path)
    {
        Args = Args ?? [],
        Environment = Env,
        Timeout = Timeout is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
    };
}
