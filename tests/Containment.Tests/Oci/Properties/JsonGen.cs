using System.Globalization;
using CsCheck;

namespace Containment.Tests.Oci.Properties;

/// <summary>
/// Generates documents of a <see cref="Shape"/>. Each field is present with the <paramref name="presence"/>
/// percentage; with a
/// <paramref name="hostility"/> above zero (a percentage) any value may instead be a <see cref="HostileJson"/>
/// one, a member may repeat its key, and unknown members appear. With zero, every value has the type its field
/// declares (its content may still be hostile: strings with NUL, negative numbers where a long is read).
/// </summary>
internal sealed class JsonGen(int hostility, int presence = 50)
{
    private readonly Dictionary<Shape, Gen<JsonTree>> _made = new(ReferenceEqualityComparer.Instance);

    public Gen<JsonTree> For(Shape shape)
    {
        if (_made.TryGetValue(shape, out var made)) return made;
        var typed = Typed(shape);
        made = hostility == 0 ? typed : Gen.Frequency((hostility, HostileJson.Any), (100 - hostility, typed));
        _made[shape] = made;
        return made;
    }

    private Gen<JsonTree> Typed(Shape shape) => shape switch
    {
        StringShape s => Gen.Frequency((4, Gen.OneOf(s.Pool)), (1, HostileJson.String)).Select(JsonTree.Str),
        NumberShape n => Number(n.Kind).Select(text => (JsonTree)new JsonTree.Raw(text)),
        BoolShape => Gen.Bool.Select(b => (JsonTree)new JsonTree.Raw(b ? "true" : "false")),
        ObjectShape o => Object(o),
        ArrayShape a => OrNull(For(a.Item)).List[0, a.Max].Select(items => (JsonTree)new JsonTree.Array(items)),
        MapShape m => Gen.Select(Gen.Frequency((4, Gen.OneOf(m.Keys)), (1, HostileJson.String)), OrNull(For(m.Value)),
                (key, value) => new KeyValuePair<string, JsonTree>(key, value))
            .List[0, 3].Select(members => (JsonTree)new JsonTree.Object(members, Model: false)),
        _ => throw new ArgumentOutOfRangeException(nameof(shape)),
    };

    /// <summary>Now and then <c>null</c>, which every member, item and map value may be in JSON.</summary>
    private static Gen<JsonTree> OrNull(Gen<JsonTree> value) => Gen.Frequency((30, value), (1, Gen.Const(JsonTree.Null)));

    /// <summary>A number in the range of its .NET type, edges included.</summary>
    private static Gen<string> Number(NumberKind kind)
    {
        var (edges, any) = kind switch
        {
            NumberKind.UShort => (new[] { "0", "1", "10", "1000", "65535" }, Gen.UShort.Select(v => (decimal)v)),
            NumberKind.Int => (["0", "-1", "1", "-1000", "1000", "2147483647", "-2147483648"], Gen.Int.Select(v => (decimal)v)),
            NumberKind.UInt => (["0", "1", "5", "1000", "65536", "4294967295"], Gen.UInt.Select(v => (decimal)v)),
            NumberKind.Long => (["0", "-1", "-2", "1", "1000", "100000", "1073741824", "9223372036854775807", "-9223372036854775808"],
                Gen.Long.Select(v => (decimal)v)),
            _ => (["0", "1", "100", "1000", "100000", "18446744073709551615", "9223372036854775808"], Gen.ULong.Select(v => (decimal)v)),
        };
        return Gen.Frequency((3, Gen.OneOf(edges)), (1, any.Select(v => v.ToString(CultureInfo.InvariantCulture))), (2, Gen.Int[0, 200].Select(v => v.ToString(CultureInfo.InvariantCulture))));
    }

    /// <summary>Each field present as often as asked; when hostile, some keys repeated or in another case, and unknown members.</summary>
    private Gen<JsonTree> Object(ObjectShape shape)
    {
        var members = Gen.Const(new List<KeyValuePair<string, JsonTree>>());
        foreach (var (name, field) in shape.Fields)
        {
            var value = OrNull(For(field));
            members = members.SelectMany(list => Gen.Int[0, 99].SelectMany(roll => roll >= presence
                ? Gen.Const(list)
                : value.Select(v => Append(list, new(Spelling(name, roll), v)))));
        }
        if (hostility > 0)
        {
            var extra = Gen.Select(Gen.Frequency((3, Gen.OneOf(shape.Fields.Select(f => f.Name).ToArray())), (1, HostileJson.String)), HostileJson.Any,
                (key, value) => new KeyValuePair<string, JsonTree>(key, value));
            members = members.SelectMany(list => Gen.Int[0, 99].SelectMany(roll => roll < 100 - hostility
                ? Gen.Const(list)
                : extra.List[1, 3].Select(more => Concat(list, more))));
        }
        return members.Select(list => (JsonTree)new JsonTree.Object(list));
    }

    /// <summary>Mostly the specification's spelling; now and then another case (Go and this parser match names
    /// case-insensitively).</summary>
    private string Spelling(string name, int roll) => hostility > 0 && roll >= 97
        ? roll == 99 ? name.ToUpperInvariant() : char.ToUpperInvariant(name[0]) + name[1..]
        : name;

    private static List<KeyValuePair<string, JsonTree>> Append(List<KeyValuePair<string, JsonTree>> list, KeyValuePair<string, JsonTree> member) =>
        [.. list, member];

    private static List<KeyValuePair<string, JsonTree>> Concat(List<KeyValuePair<string, JsonTree>> list, IEnumerable<KeyValuePair<string, JsonTree>> more) =>
        [.. list, .. more];
}
