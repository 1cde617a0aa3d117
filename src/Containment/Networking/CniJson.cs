using System.Text.Json.Serialization;

namespace Containment.Networking;

/// <summary>A plugin's result as the CNI spec writes it (1.0.0; 0.4.0 adds <c>version</c> to each IP).</summary>
internal sealed class CniResultJson
{
    public string? CniVersion { get; set; }
    public List<CniInterfaceJson>? Interfaces { get; set; }
    public List<CniIpJson>? Ips { get; set; }
    public List<CniRouteJson>? Routes { get; set; }
    public CniDnsJson? Dns { get; set; }
}

internal sealed class CniInterfaceJson
{
    public string? Name { get; set; }
    public string? Mac { get; set; }
    public string? Sandbox { get; set; }
}

internal sealed class CniIpJson
{
    public string? Address { get; set; }
    public string? Gateway { get; set; }
    public int? Interface { get; set; }
}

internal sealed class CniRouteJson
{
    public string? Dst { get; set; }
    public string? Gw { get; set; }
}

internal sealed class CniDnsJson
{
    public List<string>? Nameservers { get; set; }
    public string? Domain { get; set; }
    public List<string>? Search { get; set; }
    public List<string>? Options { get; set; }
}

/// <summary>A plugin's error, printed on its standard output with a non-zero exit.</summary>
internal sealed class CniErrorJson
{
    public uint Code { get; set; }
    public string? Msg { get; set; }
    public string? Details { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CniResultJson))]
[JsonSerializable(typeof(CniErrorJson))]
internal sealed partial class CniJsonContext : JsonSerializerContext;
