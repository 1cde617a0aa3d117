using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Containment.Oci;

/// <summary>Deserialization with errors turned into <see cref="OciConfigException"/>s that name the field.</summary>
internal static class OciJson
{
    public static T Deserialize<T>(string json, JsonTypeInfo<T> type, string? source)
    {
        ArgumentNullException.ThrowIfNull(json);
        T? value;
        try
        {
            value = JsonSerializer.Deserialize(json, type);
        }
        catch (JsonException e)
        {
            throw Describe(e, source);
        }
        return value ?? throw new OciConfigException(
            $"{source ?? "JSON"}: the document is null, an object was expected", source, "", 1, 1, null);
    }

    /// <summary>Decodes every property name and string of <paramref name="element"/>: the reader keeps a raw
    /// element undecoded, so an escape that is no UTF-16 text (<c>"\ud800"</c> alone) would otherwise only fail
    /// when the element is written.</summary>
    /// <exception cref="OciConfigException">A name or string does not decode.</exception>
    public static void CheckStrings(JsonElement element, string field, string? source)
    {
        try
        {
            Decode(element);
        }
        catch (InvalidOperationException e)
        {
            throw new OciConfigException($"{source ?? "JSON"}: {field}: {e.Message}", source, field, null, null, e);
        }

        static void Decode(JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        _ = property.Name;
                        Decode(property.Value);
                    }
                    break;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                        Decode(item);
                    break;
                case JsonValueKind.String:
                    _ = element.GetString();
                    break;
            }
        }
    }

    private static OciConfigException Describe(JsonException e, string? source)
    {
        var field = ToFieldPath(e.Path);
        long? line = e.LineNumber + 1;
        long? column = e.BytePositionInLine + 1;
        var where = field is null or "" ? "" : $"{field}: ";
        var at = line is null ? "" : column is null ? $" (line {line})" : $" (line {line}, column {column})";
        var message = $"{source ?? "JSON"}: {where}{Reason(e)}{at}";
        return new OciConfigException(message, source, field, line, column, e);
    }

    /// <summary>The exception's message without the location suffix System.Text.Json appends.</summary>
    private static string Reason(JsonException e)
    {
        var text = e.Message;
        foreach (var marker in new[] { " Path: ", " LineNumber: " })
        {
            var i = text.IndexOf(marker, StringComparison.Ordinal);
            if (i >= 0) text = text[..i];
        }
        return text.TrimEnd();
    }

    /// <summary><c>$.linux.namespaces[1].type</c> → <c>linux.namespaces[1].type</c>;
    /// <c>$['a.b']</c> → <c>['a.b']</c>.</summary>
    internal static string? ToFieldPath(string? jsonPath)
    {
        if (jsonPath is null) return null;
        if (jsonPath.StartsWith("$.", StringComparison.Ordinal)) return jsonPath[2..];
        if (jsonPath.StartsWith('$')) return jsonPath[1..];
        return jsonPath;
    }
}
