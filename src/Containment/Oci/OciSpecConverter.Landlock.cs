using System.Text.Json;
using Containment.Landlock;

namespace Containment.Oci;

internal static partial class OciSpecConverter
{
    /// <summary>The annotation that carries Landlock rules (JSON), as no OCI field does: see docs/landlock.md.</summary>
    internal const string LandlockAnnotation = "org.containment.landlock";

    /// <summary>
    /// The rules of the <see cref="LandlockAnnotation"/> annotation, e.g.
    /// <c>{"readOnly":["/usr"],"readWrite":["/tmp"],"execute":["/usr/bin"],"connectTcp":[443],"bestEffort":false}</c>
    /// (every member optional); an unknown member or a wrong type is an error naming it.
    /// </summary>
    private static ContainerSpec ConvertLandlock(ContainerSpec spec, IReadOnlyDictionary<string, string>? annotations, Action<string, string> refuse)
    {
        if (annotations is null || !annotations.TryGetValue(LandlockAnnotation, out var json))
            return spec;
        var field = $"annotations.{LandlockAnnotation}";
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            refuse(field, $"is not JSON: {e.Message}");
            return spec;
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                refuse(field, "must be a JSON object");
                return spec;
            }
            var rules = LandlockRules.Empty;
            foreach (var member in document.RootElement.EnumerateObject())
            {
                var name = $"{field}.{member.Name}";
                switch (member.Name)
                {
                    case "readOnly":
                        rules = rules.ReadOnly(Strings(member.Value, name, refuse));
                        break;
                    case "readWrite":
                        rules = rules.ReadWrite(Strings(member.Value, name, refuse));
                        break;
                    case "execute":
                        rules = rules.Execute(Strings(member.Value, name, refuse));
                        break;
                    case "connectTcp":
                        rules = rules.ConnectTcp(Ports(member.Value, name, refuse));
                        break;
                    case "bestEffort" when member.Value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                        rules = rules.WithBestEffort(member.Value.GetBoolean());
                        break;
                    case "bestEffort":
                        refuse(name, "must be true or false");
                        break;
                    default:
                        refuse(name, "is not a Landlock rule this runtime knows (readOnly, readWrite, execute, connectTcp, bestEffort)");
                        break;
                }
            }
            return spec.WithLandlock(rules);
        }
    }

    private static string[] Strings(JsonElement value, string field, Action<string, string> refuse)
    {
        if (value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String))
            return value.EnumerateArray().Select(e => e.GetString()!).ToArray();
        refuse(field, "must be an array of paths");
        return [];
    }

    private static ushort[] Ports(JsonElement value, string field, Action<string, string> refuse)
    {
        if (value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Number && e.TryGetUInt16(out _)))
            return value.EnumerateArray().Select(e => e.GetUInt16()).ToArray();
        refuse(field, "must be an array of TCP ports (0-65535)");
        return [];
    }
}
