using System.Text.Json.Serialization;

namespace Containment.Oci;

/// <summary>A range of user or group ids mapped from the host into the container.</summary>
internal sealed record OciIdMapping
{
    /// <summary>The first id inside the container.</summary>
    [JsonPropertyName("containerID")]
    public uint ContainerId { get; init; }

    /// <summary>The first id on the host.</summary>
    [JsonPropertyName("hostID")]
    public uint HostId { get; init; }

    /// <summary>How many ids are mapped.</summary>
    public uint Size { get; init; }
}
