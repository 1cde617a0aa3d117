using System.Text;
using System.Text.Json;
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
        using var document = JsonSerializer.SerializeToDocument(value, type);
        Write(document.RootElement, builder);
        return builder.ToString();
    }

    /// <summary>Members sorted by key (a stable sort: a repeated key, which raw JSON such as linux.seccomp may
    /// hold, keeps its order), strings decoded and written again, numbers as written.</summary>
    private static void Write(JsonElement element, StringBuilder builder)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                builder.Append('{');
                foreach (var member in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    builder.Append(JsonSerializer.Serialize(member.Name, OciJsonContext.Default.String)).Append(':');
                    Write(member.Value, builder);
                    builder.Append(',');
                }
                builder.Append('}');
                break;
            case JsonValueKind.Array:
                builder.Append('[');
                foreach (var item in element.EnumerateArray())
                {
                    Write(item, builder);
                    builder.Append(',');
                }
                builder.Append(']');
                break;
            case JsonValueKind.String:
                builder.Append(JsonSerializer.Serialize(element.GetString(), OciJsonContext.Default.String));
                break;
            default:
                builder.Append(element.GetRawText());
                break;
        }
    }
}
