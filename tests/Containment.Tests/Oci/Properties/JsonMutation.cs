using CsCheck;

namespace Containment.Tests.Oci.Properties;

/// <summary>What a mutation does to the node it picks.</summary>
internal enum MutationKind
{
    /// <summary>Removes the node from its object or array.</summary>
    Delete,
    /// <summary>Puts the hostile value in its place.</summary>
    Replace,
    /// <summary>Keeps the content under another JSON type (object → array, number → string...).</summary>
    Retag,
    /// <summary>In an object, repeats a member's key with the hostile value after it.</summary>
    DuplicateKey,
    /// <summary>In an object, adds a member with a key no model has.</summary>
    AddUnknown,
}

/// <summary>One change to a document: <see cref="Node"/> picks a node by its preorder position (modulo the count).</summary>
internal sealed record JsonMutation(int Node, MutationKind Kind, JsonTree Value)
{
    public static readonly Gen<JsonMutation> Any =
        Gen.Select(Gen.Int[0, int.MaxValue], Gen.Enum<MutationKind>(), HostileJson.Any, (node, kind, value) => new JsonMutation(node, kind, value));

    /// <summary>A real document changed one to four times.</summary>
    public static Gen<JsonTree> Of(IReadOnlyList<JsonTree> documents) =>
        Gen.Select(Gen.OneOf(documents.ToArray()), Any.Array[1, 4], (document, mutations) => mutations.Aggregate(document, (d, m) => m.Apply(d)));

    public JsonTree Apply(JsonTree document)
    {
        var target = Node % Minimizer.Count(document);
        var position = 0;
        return Rewrite(document, target, ref position) ?? JsonTree.Null;
    }

    /// <summary>The tree with the target node changed; null when the node is deleted.</summary>
    private JsonTree? Rewrite(JsonTree tree, int target, ref int position)
    {
        if (position++ == target)
            return Change(tree);
        switch (tree)
        {
            case JsonTree.Object o:
                var members = new List<KeyValuePair<string, JsonTree>>();
                foreach (var (key, value) in o.Members)
                    if (Rewrite(value, target, ref position) is { } changed) members.Add(new(key, changed));
                return o with { Members = members };
            case JsonTree.Array a:
                var items = new List<JsonTree>();
                foreach (var item in a.Items)
                    if (Rewrite(item, target, ref position) is { } changed) items.Add(changed);
                return a with { Items = items };
            default:
                return tree;
        }
    }

    private JsonTree? Change(JsonTree node) => (Kind, node) switch
    {
        (MutationKind.Delete, _) => null,
        (MutationKind.Replace, _) => Value,
        (MutationKind.Retag, JsonTree.Object o) => new JsonTree.Array([.. o.Members.Select(m => m.Value)]),
        (MutationKind.Retag, JsonTree.Array a) => new JsonTree.Object([.. a.Items.Select((item, i) => new KeyValuePair<string, JsonTree>($"{i}", item))]),
        (MutationKind.Retag, JsonTree.Raw { Text: ['"', .. var inner, '"'] }) => new JsonTree.Raw(inner.Length > 0 && char.IsDigit(inner[0]) ? inner : "0"),
        (MutationKind.Retag, JsonTree.Raw r) => JsonTree.Str(r.Text),
        (MutationKind.DuplicateKey, JsonTree.Object { Members.Count: > 0 } o) =>
            o with { Members = [.. o.Members, new(o.Members[Node % o.Members.Count].Key, Value)] },
        (MutationKind.AddUnknown, JsonTree.Object o) => o with { Members = [.. o.Members, new($"x-unknown-{Node % 7}", Value)] },
        _ => Value,
    };
}
