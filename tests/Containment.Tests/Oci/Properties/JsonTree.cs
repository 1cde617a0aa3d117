using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Containment.Tests.Oci.Properties;

/// <summary>
/// A JSON document as the generators build it: unlike <see cref="JsonNode"/> it keeps duplicate keys and lets a
/// value be any text (an out-of-range number, an escape the parser must refuse), so hostile documents can be
/// written exactly.
/// </summary>
internal abstract record JsonTree
{
    public abstract void Write(StringBuilder text);

    public string Render()
    {
        var text = new StringBuilder();
        Write(text);
        return text.ToString();
    }

    public override string ToString() => Render();

    /// <summary>A string literal, escaped as JSON writes it (NUL, controls and lone surrogates included).</summary>
    public static JsonTree Str(string value) => new Raw(Quote(value));

    public static readonly JsonTree Null = new Raw("null");

    public static string Quote(string value)
    {
        var text = new StringBuilder("\"");
        foreach (var ch in value)
        {
            if (ch is '"' or '\\') text.Append('\\').Append(ch);
            else if (ch < 0x20 || char.IsSurrogate(ch)) text.Append($"\\u{(int)ch:x4}");
            else text.Append(ch);
        }
        return text.Append('"').ToString();
    }

    /// <summary>The members of config.json whose objects are maps, keyed by data.</summary>
    private static readonly HashSet<string> Maps = ["annotations", "sysctl", "unified", "rdma", "netDevices", "timeOffsets"];

    /// <summary>The tree of a parsed document (for mutating real configs).</summary>
    public static JsonTree From(JsonNode? node) => From(node, key: null);

    private static JsonTree From(JsonNode? node, string? key) => node switch
    {
        JsonObject o => new Object([.. o.Select(p => new KeyValuePair<string, JsonTree>(p.Key, From(p.Value, p.Key)))], Model: key is null || !Maps.Contains(key)),
        JsonArray a => new Array([.. a.Select(item => From(item, null))]),
        null => Null,
        _ => new Raw(node.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping })),
    };

    /// <summary>Literal text: a number, <c>true</c>, <c>null</c>, a quoted string, or anything else.</summary>
    public sealed record Raw(string Text) : JsonTree
    {
        public override void Write(StringBuilder text) => text.Append(Text);
    }

    /// <summary>An object whose members keep their order and may repeat a key. <paramref name="Model"/> is false
    /// for a map whose keys are data (<c>annotations</c>, <c>linux.sysctl</c>), where no key is unknown.</summary>
    public sealed record Object(IReadOnlyList<KeyValuePair<string, JsonTree>> Members, bool Model = true) : JsonTree
    {
        public override void Write(StringBuilder text)
        {
            text.Append('{');
            for (var i = 0; i < Members.Count; i++)
            {
                if (i > 0) text.Append(',');
                text.Append(Quote(Members[i].Key)).Append(':');
                Members[i].Value.Write(text);
            }
            text.Append('}');
        }
    }

    public sealed record Array(IReadOnlyList<JsonTree> Items) : JsonTree
    {
        public override void Write(StringBuilder text)
        {
            text.Append('[');
            for (var i = 0; i < Items.Count; i++)
            {
                if (i > 0) text.Append(',');
                Items[i].Write(text);
            }
            text.Append(']');
        }
    }
}
