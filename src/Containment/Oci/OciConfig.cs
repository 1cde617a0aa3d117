using System.Text.Json;

namespace Containment.Oci;

/// <summary>
/// An OCI runtime-spec <c>config.json</c> (version 1.2). Parse it with <see cref="Load"/> or <see cref="Parse"/>,
/// check it with <see cref="Validate"/>, write it back with <see cref="ToJson"/>. Properties keep what the
/// document said: an absent field is <c>null</c>, and writing omits it again. Unknown properties are ignored,
/// as the specification requires.
/// </summary>
internal sealed record OciConfig
{
    /// <summary>Value equality: the same data, lists and maps compared by content.</summary>
    public bool Equals(OciConfig? other) => OciEquality.Same(this, other, OciJsonContext.Default.OciConfig);

    /// <inheritdoc />
    public override int GetHashCode() => OciEquality.Hash(this, OciJsonContext.Default.OciConfig);

    /// <summary>The runtime-spec version this library writes.</summary>
    public const string CurrentVersion = "1.2.1";

    /// <summary>The version of the specification the document complies with (SemVer, 1.x).</summary>
    public string OciVersion { get; init; } = "";

    /// <summary>The container process; required by <c>start</c>.</summary>
    public OciProcess? Process { get; init; }

    /// <summary>The root filesystem.</summary>
    public OciRoot? Root { get; init; }

    /// <summary>The hostname seen inside the container (needs a new UTS namespace).</summary>
    public string? Hostname { get; init; }

    /// <summary>The NIS domain name seen inside the container (needs a new UTS namespace).</summary>
    public string? Domainname { get; init; }

    /// <summary>Mounts, performed in order after the root filesystem.</summary>
    public IReadOnlyList<OciMount>? Mounts { get; init; }

    /// <summary>Lifecycle hooks.</summary>
    public OciHooks? Hooks { get; init; }

    /// <summary>Arbitrary metadata.</summary>
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    /// <summary>The Linux-specific configuration.</summary>
    public OciLinux? Linux { get; init; }

    /// <summary>Parses a config.json document.</summary>
    /// <exception cref="OciConfigException">The text is not valid JSON or a field has the wrong type;
    /// the exception names the field and the line.</exception>
    public static OciConfig Parse(string json) => Checked(OciJson.Deserialize(json, OciJsonContext.Default.OciConfig, source: null), null);

    /// <summary>Reads and parses a config.json file.</summary>
    /// <exception cref="OciConfigException">The file cannot be read, is not valid JSON, or a field has the
    /// wrong type.</exception>
    public static OciConfig Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OciConfigException($"{path}: cannot read the configuration: {e.Message}", path, null, null, null, e);
        }
        return Checked(OciJson.Deserialize(json, OciJsonContext.Default.OciConfig, path), path);
    }

    /// <summary>The raw JSON the model keeps (<c>linux.seccomp</c>) must decode, or the config could not be
    /// written, compared or hashed later.</summary>
    private static OciConfig Checked(OciConfig config, string? source)
    {
        if (config.Linux?.Seccomp is { } seccomp)
            OciJson.CheckStrings(seccomp, "linux.seccomp", source);
        return config;
    }

    /// <summary>Reads <c>config.json</c> from a bundle directory.</summary>
    /// <exception cref="OciConfigException">As for <see cref="Load"/>.</exception>
    public static OciConfig LoadBundle(string bundleDirectory) => Load(System.IO.Path.Combine(bundleDirectory, "config.json"));

    /// <summary>The document as indented JSON (tabs, like <c>runc spec</c>), absent fields omitted.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, OciJsonContext.Default.OciConfig);

    /// <summary>Writes the document to a file, atomically (a temporary file renamed over the target).</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson() + "\n");

    /// <summary>Checks the document against the specification's rules and returns every problem found
    /// (an empty list when it is valid). Each error names its field as a path such as
    /// <c>mounts[2].destination</c>.</summary>
    public IReadOnlyList<SpecError> Validate() => OciConfigValidator.Validate(this);

    /// <summary>Throws when <see cref="Validate"/> finds any problem.</summary>
    /// <exception cref="ContainerSpecException">Lists every problem found.</exception>
    public OciConfig EnsureValid()
    {
        var errors = Validate();
        return errors.Count == 0 ? this : throw new ContainerSpecException(errors);
    }

    /// <summary>
    /// The configuration <c>runc spec</c> writes: <c>sh</c> on a terminal, a read-only <c>rootfs</c>, the
    /// default capabilities, mounts, masked and read-only paths, and new pid, network, ipc, uts and mount
    /// namespaces (plus cgroup on a cgroup v2 host). With <paramref name="rootless"/>, as
    /// <c>runc spec --rootless</c>: a user namespace mapping root to the calling user, no network
    /// namespace, <c>/sys</c> bind-mounted, no uid=/gid= mount options and no cgroup resources.
    /// </summary>
    public static OciConfig CreateDefault(bool rootless = false) =>
        OciDefaults.Create(rootless, OciDefaults.HostIsCgroup2(), ProcessIds.Current());

    /// <summary>As <see cref="CreateDefault(bool)"/>, with the host facts given instead of probed.</summary>
    /// <param name="rootless">Whether to produce the rootless variant.</param>
    /// <param name="cgroupNamespace">Whether to add a cgroup namespace (runc does on cgroup v2 hosts).</param>
    /// <param name="hostUid">The host uid mapped to root in the rootless variant.</param>
    /// <param name="hostGid">The host gid mapped to root in the rootless variant.</param>
    public static OciConfig CreateDefault(bool rootless, bool cgroupNamespace, uint hostUid, uint hostGid) =>
        OciDefaults.Create(rootless, cgroupNamespace, (hostUid, hostGid));
}
