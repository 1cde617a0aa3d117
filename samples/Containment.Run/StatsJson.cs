using System.Text.Json;
using System.Text.Json.Serialization;
using Containment.Cgroups;

namespace Containment.Run;

/// <summary>The final cgroup statistics, as one line of JSON (<c>--stats</c>).</summary>
internal static class StatsJson
{
    public static string Format(CgroupStats stats) => JsonSerializer.Serialize(stats, StatsJsonContext.Default.CgroupStats);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CgroupStats))]
internal sealed partial class StatsJsonContext : JsonSerializerContext;
