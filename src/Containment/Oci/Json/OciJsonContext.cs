using System.Text.Json.Serialization;

namespace Containment.Oci;

/// <summary>Source-generated serialization of the OCI documents: camelCase names as in the specification
/// (explicit names where the specification spells them otherwise), absent fields omitted, tab indentation,
/// case-insensitive property matching (as Go's encoding/json), unknown properties skipped.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true,
    IndentCharacter = '\t',
    IndentSize = 1,
    PropertyNameCaseInsensitive = true,
    RespectNullableAnnotations = true,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(OciConfig))]
[JsonSerializable(typeof(OciState))]
[JsonSerializable(typeof(ContainerRecord))]
[JsonSerializable(typeof(string))]
internal sealed partial class OciJsonContext : JsonSerializerContext;
