using System.Text.Json;
using System.Text.Json.Serialization;

namespace Containment.Oci;

/// <summary>The Linux-specific configuration (<c>linux</c> in config.json).</summary>
internal sealed record OciLinux
{
    /// <summary>Value equality: the same data, lists and maps compared by content.</summary>
    public bool Equals(OciLinux? other) => OciEquality.Same(this, other, OciJsonContext.Default.OciLinux);

    /// <inheritdoc />
    public override int GetHashCode() => OciEquality.Hash(this, OciJsonContext.Default.OciLinux);

    /// <summary>User id mappings of the container's user namespace.</summary>
    public IReadOnlyList<OciIdMapping>? UidMappings { get; init; }

    /// <summary>Group id mappings of the container's user namespace.</summary>
    public IReadOnlyList<OciIdMapping>? GidMappings { get; init; }

    /// <summary>Kernel parameters set inside the container (<c>net.ipv4.ip_forward</c> → <c>1</c>).</summary>
    public IReadOnlyDictionary<string, string>? Sysctl { get; init; }

    /// <summary>cgroup limits.</summary>
    public OciResources? Resources { get; init; }

    /// <summary>The cgroup to create or join: absolute (from the cgroup root) or relative
    /// (runtime-defined; <c>slice:prefix:name</c> with the systemd driver).</summary>
    public string? CgroupsPath { get; init; }

    /// <summary>The namespaces created (no path) or joined (with a path).</summary>
    public IReadOnlyList<OciNamespace>? Namespaces { get; init; }

    /// <summary>Device nodes that must exist in the container.</summary>
    public IReadOnlyList<OciDevice>? Devices { get; init; }

    /// <summary>Network devices moved into the container's network namespace, keyed by host name.</summary>
    public IReadOnlyDictionary<string, OciNetDevice>? NetDevices { get; init; }

    /// <summary>The seccomp profile, kept as raw JSON (the <c>Containment.Seccomp</c> model parses it).
    /// See also <see cref="SeccompJson"/>.</summary>
    public JsonElement? Seccomp { get; init; }

    /// <summary>The seccomp profile as a JSON string, or <c>null</c> when there is none.</summary>
    [JsonIgnore]
    public string? SeccompJson => Seccomp is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } s
        ? s.GetRawText()
        : null;

    /// <summary>The propagation of the root mount: <c>private</c>, <c>rprivate</c>, <c>shared</c>,
    /// <c>rshared</c>, <c>slave</c>, <c>rslave</c>, <c>unbindable</c> or <c>runbindable</c>.</summary>
    public string? RootfsPropagation { get; init; }

    /// <summary>Paths hidden from the container (a read-only empty mount is placed over them).</summary>
    public IReadOnlyList<string>? MaskedPaths { get; init; }

    /// <summary>Paths made read-only inside the container.</summary>
    public IReadOnlyList<string>? ReadonlyPaths { get; init; }

    /// <summary>The SELinux context of the container's mounts.</summary>
    public string? MountLabel { get; init; }

    /// <summary>Intel Resource Director Technology settings.</summary>
    public OciIntelRdt? IntelRdt { get; init; }

    /// <summary>The execution domain (<c>personality(2)</c>).</summary>
    public OciPersonality? Personality { get; init; }

    /// <summary>Offsets of the time namespace's clocks, keyed by clock (<c>monotonic</c>, <c>boottime</c>).</summary>
    public IReadOnlyDictionary<string, OciTimeOffset>? TimeOffsets { get; init; }

    /// <summary>The NUMA memory policy (<c>set_mempolicy(2)</c>).</summary>
    public OciMemoryPolicy? MemoryPolicy { get; init; }
}

/// <summary>A namespace to create or join.</summary>
internal sealed record OciNamespace
{
    /// <summary>One of <see cref="OciNamespaceTypes"/>.</summary>
    public string Type { get; init; } = "";

    /// <summary>The namespace file to join (such as <c>/proc/1234/ns/net</c>); none creates a new one.</summary>
    public string? Path { get; init; }
}

/// <summary>The namespace type names used by <see cref="OciNamespace.Type"/>.</summary>
internal static class OciNamespaceTypes
{
    /// <summary>Process ids.</summary>
    public const string Pid = "pid";
    /// <summary>The network stack.</summary>
    public const string Network = "network";
    /// <summary>The mount table.</summary>
    public const string Mount = "mount";
    /// <summary>System V IPC and POSIX message queues.</summary>
    public const string Ipc = "ipc";
    /// <summary>Host and domain name.</summary>
    public const string Uts = "uts";
    /// <summary>User and group ids.</summary>
    public const string User = "user";
    /// <summary>The cgroup hierarchy view.</summary>
    public const string Cgroup = "cgroup";
    /// <summary>The monotonic and boot-time clocks.</summary>
    public const string Time = "time";

    /// <summary>Every type the specification defines.</summary>
    public static IReadOnlyList<string> All { get; } = [Pid, Network, Mount, Ipc, Uts, User, Cgroup, Time];
}

/// <summary>An offset applied to one clock of a time namespace.</summary>
internal sealed record OciTimeOffset
{
    /// <summary>Seconds.</summary>
    public long? Secs { get; init; }

    /// <summary>Additional nanoseconds (below one second).</summary>
    public uint? Nanosecs { get; init; }
}

/// <summary>A device node created in the container.</summary>
internal sealed record OciDevice
{
    /// <summary>The path inside the container.</summary>
    public string Path { get; init; } = "";

    /// <summary><c>c</c> (character), <c>b</c> (block), <c>u</c> (unbuffered character) or <c>p</c> (FIFO).</summary>
    public string Type { get; init; } = "";

    /// <summary>The major number (not used by FIFOs).</summary>
    public long? Major { get; init; }

    /// <summary>The minor number (not used by FIFOs).</summary>
    public long? Minor { get; init; }

    /// <summary>The permission bits (for example 0666 = 438).</summary>
    public uint? FileMode { get; init; }

    /// <summary>The owner, in the container's user namespace.</summary>
    public uint? Uid { get; init; }

    /// <summary>The group, in the container's user namespace.</summary>
    public uint? Gid { get; init; }
}

/// <summary>A network device moved into the container.</summary>
internal sealed record OciNetDevice
{
    /// <summary>Its name inside the container; the host name is kept when absent.</summary>
    public string? Name { get; init; }
}

/// <summary>The <c>personality(2)</c> execution domain.</summary>
internal sealed record OciPersonality
{
    /// <summary>Value equality: the same data, lists and maps compared by content.</summary>
    public bool Equals(OciPersonality? other) => OciEquality.Same(this, other, OciJsonContext.Default.OciPersonality);

    /// <inheritdoc />
    public override int GetHashCode() => OciEquality.Hash(this, OciJsonContext.Default.OciPersonality);

    /// <summary><c>LINUX</c> or <c>LINUX32</c>.</summary>
    public string Domain { get; init; } = "";

    /// <summary>Additional flags (none are defined yet).</summary>
    public IReadOnlyList<string>? Flags { get; init; }
}

/// <summary>Intel RDT (resctrl) settings.</summary>
internal sealed record OciIntelRdt
{
    /// <summary>The resctrl group (class of service); the container id when absent.</summary>
    [JsonPropertyName("closID")]
    public string? ClosId { get; init; }

    /// <summary>The complete schemata written to the group's <c>schemata</c> file.</summary>
    public string? Schemata { get; init; }

    /// <summary>The L3 cache schema (<c>L3:0=7f0;1=1f</c>).</summary>
    [JsonPropertyName("l3CacheSchema")]
    public string? L3CacheSchema { get; init; }

    /// <summary>The memory bandwidth schema (<c>MB:0=20;1=70</c>).</summary>
    public string? MemBwSchema { get; init; }

    /// <summary>Whether cache monitoring (CMT) is enabled.</summary>
    [JsonPropertyName("enableCMT")]
    public bool? EnableCmt { get; init; }

    /// <summary>Whether memory bandwidth monitoring (MBM) is enabled.</summary>
    [JsonPropertyName("enableMBM")]
    public bool? EnableMbm { get; init; }
}

/// <summary>A NUMA memory policy.</summary>
internal sealed record OciMemoryPolicy
{
    /// <summary>Value equality: the same data, lists and maps compared by content.</summary>
    public bool Equals(OciMemoryPolicy? other) => OciEquality.Same(this, other, OciJsonContext.Default.OciMemoryPolicy);

    /// <inheritdoc />
    public override int GetHashCode() => OciEquality.Hash(this, OciJsonContext.Default.OciMemoryPolicy);

    /// <summary>The mode, such as <c>MPOL_INTERLEAVE</c>.</summary>
    public string Mode { get; init; } = "";

    /// <summary>The node list, such as <c>0-3,7</c>.</summary>
    public string? Nodes { get; init; }

    /// <summary>Mode flags, such as <c>MPOL_F_STATIC_NODES</c>.</summary>
    public IReadOnlyList<string>? Flags { get; init; }
}
