using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace Containment.Oci;

/// <summary>
/// Value equality for the model's records that hold lists, maps or raw JSON (a record's generated equality
/// compares those by reference). Two values are equal when they write the same JSON, object keys in any order.
/// </summary>
internal static class OciEquality
{
    public static bool Same<T>(T self, T? other, JsonTypeInfo<T> type) where T : class =>
        ReferenceEquals(self, other) || (other is not null && Canonical(self, type) == Canonical(other, type));

    public static int Hash<T>(T self, JsonTypeInfo<T> type) where T : class =>
        StringComparer.Ordinal.GetHashCode(Canonical(self, type));

    private static string Canonical<T>(T value, JsonTypeInfo<T> type)
    {
        var builder = new StringBuilder();
        Write(JsonSerializer.SerializeToNode(value, type), builder);
        return builder.ToString();
    }

    private static void Write(JsonNode? node, StringBuilder builder)
    {
        switch (node)
        {
            case JsonObject o:
                builder.Append('{');
                foreach (var (key, value) in o.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    builder.Append(JsonSerializer.Serialize(key, OciJsonContext.Default.String)).Append(':');
                    Write(value, builder);
                    builder.Append(',');
                }
                builder.Append('}');
                break;
            case JsonArray a:
                builder.Append('[');
                foreach (var item in a)
                {
                    Write(item, builder);
                    builder.Append(',');
                }
                builder.Append(']');
                break;
            case null:
                builder.Append("null");
                break;
            default:
                builder.Append(node.ToJsonString());
                break;
        }
    }
}
