using CsCheck;

namespace Containment.Tests.Oci.Properties;

/// <summary>A member no model knows, added to the <see cref="Target"/>-th object of the model (maps, whose keys
/// are data, are not counted).</summary>
internal sealed record UnknownMember(int Target, string Name, JsonTree Value)
{
    private static readonly string[] Names = ["x-unknown", "_note", "vendor.extension", "zzz", "x-\u00e9\u4e2d"];

    public static readonly Gen<UnknownMember> Any =
        Gen.Select(Gen.Int[0, int.MaxValue], Gen.OneOf(Names), HostileJson.Shallow, (o, name, value) => new UnknownMember(o, name, value));

    /// <summary>The document with every member added; members named <paramref name="skip"/> are left whole.</summary>
    public static JsonTree InsertAll(JsonTree document, IEnumerable<UnknownMember> members, string? skip) =>
        members.Aggregate(document, (d, m) => m.Insert(d, skip));

    private JsonTree Insert(JsonTree document, string? skip)
    {
        var count = Count(document, skip);
        if (count == 0) return document;
        var position = 0;
        return Rewrite(document, Target % count, skip, ref position);
    }

    private static int Count(JsonTree tree, string? skip) => tree switch
    {
        JsonTree.Object o => (o.Model ? 1 : 0) + o.Members.Where(m => m.Key != skip).Sum(m => Count(m.Value, skip)),
        JsonTree.Array a => a.Items.Sum(i => Count(i, skip)),
        _ => 0,
    };

    private JsonTree Rewrite(JsonTree tree, int target, string? skip, ref int position)
    {
        switch (tree)
        {
            case JsonTree.Object o:
                if (o.Model && position++ == target)
                    return o with { Members = [.. o.Members, new(Name, Value)] };
                var members = new List<KeyValuePair<string, JsonTree>>();
                foreach (var (key, value) in o.Members)
                    members.Add(new(key, key == skip ? value : Rewrite(value, target, skip, ref position)));
                return o with { Members = members };
            case JsonTree.Array a:
                var items = new List<JsonTree>();
                foreach (var item in a.Items)
                    items.Add(Rewrite(item, target, skip, ref position));
                return a with { Items = items };
            default:
                return tree;
        }
    }
}
