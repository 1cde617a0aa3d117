namespace Containment.Oci;

/// <summary>The OCI <c>state</c> of a container: what <c>runc state</c> prints and what hooks read on their
/// standard input.</summary>
internal sealed record OciState
{
    /// <summary>Value equality: the same data, lists and maps compared by content.</summary>
    public bool Equals(OciState? other) => OciEquality.Same(this, other, OciJsonContext.Default.OciState);

    /// <inheritdoc />
    public override int GetHashCode() => OciEquality.Hash(this, OciJsonContext.Default.OciState);

    /// <summary>The specification version the state complies with.</summary>
    public string OciVersion { get; init; } = OciConfig.CurrentVersion;

    /// <summary>The container id.</summary>
    public string Id { get; init; } = "";

    /// <summary>The runtime status.</summary>
    public OciStatus Status { get; init; }

    /// <summary>The container process id on the host; absent (0) when stopped.</summary>
    public int? Pid { get; init; }

    /// <summary>The absolute path of the bundle directory.</summary>
    public string Bundle { get; init; } = "";

    /// <summary>The annotations of the container's configuration.</summary>
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    /// <summary>Parses a state document.</summary>
    /// <exception cref="OciConfigException">The text is not valid JSON or a field has the wrong type.</exception>
    public static OciState Parse(string json) => OciJson.Deserialize(json, OciJsonContext.Default.OciState, source: null);

    /// <summary>The state as indented JSON, absent fields omitted.</summary>
    public string ToJson() => System.Text.Json.JsonSerializer.Serialize(this, OciJsonContext.Default.OciState);
}
