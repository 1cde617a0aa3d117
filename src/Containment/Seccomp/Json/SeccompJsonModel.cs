using System.Text.Json.Serialization;

namespace Containment.Seccomp.Json;

// The wire shape of the OCI linux.seccomp object, plus the fields of Docker's profile format (archMap, includes,
// excludes, comment) so that Docker/containerd/Podman profiles read too. Strings stay strings here; the mapping to
// the typed model names every bad value.

internal sealed class SeccompJson
{
    public string? DefaultAction { get; set; }
    public uint? DefaultErrnoRet { get; set; }
    public List<string>? Architectures { get; set; }
    public List<SeccompArchMapJson>? ArchMap { get; set; }
    public List<string>? Flags { get; set; }
    public string? ListenerPath { get; set; }
    public string? ListenerMetadata { get; set; }
    public List<SeccompSyscallJson>? Syscalls { get; set; }
}

internal sealed class SeccompArchMapJson
{
    public string? Architecture { get; set; }
    public List<string>? SubArchitectures { get; set; }
}

internal sealed class SeccompSyscallJson
{
    public List<string>? Names { get; set; }
    public string? Name { get; set; }
    public string? Action { get; set; }
    public uint? ErrnoRet { get; set; }
    public List<SeccompArgJson>? Args { get; set; }
    public string? Comment { get; set; }
    public SeccompFilterJson? Includes { get; set; }
    public SeccompFilterJson? Excludes { get; set; }
}

internal sealed class SeccompArgJson
{
    public long? Index { get; set; }
    public ulong Value { get; set; }
    public ulong ValueTwo { get; set; }
    public string? Op { get; set; }
}

internal sealed class SeccompFilterJson
{
    public List<string>? Caps { get; set; }
    public List<string>? Arches { get; set; }
    public string? MinKernel { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(SeccompJson))]
internal sealed partial class SeccompJsonContext : JsonSerializerContext;
