using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;

namespace Containment.Tests.Oci;

/// <summary>Test documents under Oci/Data, found next to this source file (no copy step needed).</summary>
internal static class OciTestData
{
    public static string Directory([CallerFilePath] string here = "") => Path.Combine(Path.GetDirectoryName(here)!, "Data");

    public static string PathOf(string name) => Path.Combine(Directory(), name);

    public static string Read(string name) => File.ReadAllText(PathOf(name));

    /// <summary>A JSON tree without null-valued properties (absent and null mean the same in the specification).</summary>
    public static JsonNode? Normalize(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                var result = new JsonObject();
                foreach (var (key, value) in o)
                    if (value is not null) result[key] = Normalize(value);
                return result;
            case JsonArray a:
                return new JsonArray(a.Select(Normalize).ToArray());
            default:
                return node?.DeepClone();
        }
    }

    /// <summary>Whether two documents hold the same data, ignoring property order and null properties.</summary>
    public static bool SameData(string expectedJson, string actualJson) =>
        JsonNode.DeepEquals(Normalize(JsonNode.Parse(expectedJson)), Normalize(JsonNode.Parse(actualJson)));

    /// <summary>The first difference between two documents, as a path, for failure messages.</summary>
    public static string? FirstDifference(JsonNode? expected, JsonNode? actual, string path = "$")
    {
        if (expected is JsonObject eo && actual is JsonObject ao)
        {
            foreach (var (key, value) in eo)
            {
                if (!ao.ContainsKey(key)) return $"{path}.{key} is missing";
                if (FirstDifference(value, ao[key], $"{path}.{key}") is { } d) return d;
            }
            foreach (var (key, _) in ao)
                if (!eo.ContainsKey(key)) return $"{path}.{key} was added";
            return null;
        }
        if (expected is JsonArray ea && actual is JsonArray aa)
        {
            if (ea.Count != aa.Count) return $"{path} has {aa.Count} items instead of {ea.Count}";
            for (var i = 0; i < ea.Count; i++)
                if (FirstDifference(ea[i], aa[i], $"{path}[{i}]") is { } d) return d;
            return null;
        }
        return JsonNode.DeepEquals(expected, actual) ? null : $"{path}: expected {expected?.ToJsonString()}, got {actual?.ToJsonString()}";
    }
}
