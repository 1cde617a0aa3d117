using System.Text.Json.Serialization;

namespace Containment.Oci;

/// <summary>The runtime status of a container, as the OCI <c>state</c> operation reports it.</summary>
internal enum OciStatus
{
    /// <summary>The container is being created.</summary>
    [JsonStringEnumMemberName("creating")] Creating,

    /// <summary>Created: the runtime finished <c>create</c>; the user program has not been executed yet.</summary>
    [JsonStringEnumMemberName("created")] Created,

    /// <summary>The user program was executed and has not exited.</summary>
    [JsonStringEnumMemberName("running")] Running,

    /// <summary>The container's processes are frozen (an extension runc reports; not in the specification).</summary>
    [JsonStringEnumMemberName("paused")] Paused,

    /// <summary>The container process has exited.</summary>
    [JsonStringEnumMemberName("stopped")] Stopped,
}
