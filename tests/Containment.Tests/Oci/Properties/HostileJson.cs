using CsCheck;

namespace Containment.Tests.Oci.Properties;

/// <summary>Values no field expects: wrong types, numbers beyond every range, strings a parser or a path
/// handler may choke on, and nesting deeper than a reader allows.</summary>
internal static class HostileJson
{
    public static readonly string[] Strings =
    [
        "", " ", ".", "..", "../../etc/passwd", "relative/path", "/a/../..", "/\0/x", "\0", "a\0b", "\n", "\t",
        "é中文🙂", "\ud800", "\udfff", "x\ud83d", "\u202e", "\uffff", "=", "A=", "=B", "-1", "0x10", "1e400", "null",
        "CAP_SYS_ADMIN", "SCMP_ACT_ALLOW", new string('a', 5000), "\\", "\"", "/" + new string('d', 300),
    ];

    public static readonly string[] Tokens =
    [
        "0", "-0", "-1", "1.5", "-1.5", "1e3", "1E400", "-1e400", "0.0000001", "65535", "65536", "2147483647", "2147483648",
        "-2147483649", "4294967295", "4294967296", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
        "-9223372036854775809", "18446744073709551615", "18446744073709551616", "99999999999999999999999999999999",
        "true", "false", "null", "{}", "[]", "[null]", "[[]]", "{\"\":null}", "{\"a\":1,\"a\":2}", "\"\"",
    ];

    /// <summary>Arrays or objects nested past System.Text.Json's default depth of 64.</summary>
    private static readonly Gen<JsonTree> Deep = Gen.Select(Gen.Int[30, 200], Gen.Bool, (depth, arrays) =>
    {
        JsonTree tree = JsonTree.Null;
        for (var i = 0; i < depth; i++)
            tree = arrays ? new JsonTree.Array([tree]) : new JsonTree.Object([new("a", tree)]);
        return tree;
    });

    public static readonly Gen<string> String = Gen.Frequency(
        (4, Gen.OneOf(Strings)),
        (1, Gen.String[0, 12]),
        (1, Gen.Char.Array[0, 8].Select(chars => new string(chars))));

    /// <summary>Any hostile value a reader accepts as JSON (no nesting deeper than it allows).</summary>
    public static readonly Gen<JsonTree> Shallow = Gen.Frequency(
        (6, Gen.OneOf(Tokens).Select(t => (JsonTree)new JsonTree.Raw(t))),
        (4, String.Select(JsonTree.Str)),
        (2, Gen.Select(String, Gen.OneOf(Tokens), (key, value) => (JsonTree)new JsonTree.Object([new(key, new JsonTree.Raw(value))]))),
        (2, Gen.OneOf(Tokens).Array[0, 3].Select(items => (JsonTree)new JsonTree.Array([.. items.Select(t => new JsonTree.Raw(t))]))));

    /// <summary>Any hostile value, of any type.</summary>
    public static readonly Gen<JsonTree> Any = Gen.Frequency((12, Shallow), (1, Deep));

    /// <summary>Texts that are not one JSON document at all.</summary>
    public static readonly string[] Documents = ["", " ", "{", "}", "[", "nul", "{\"a\":}", "{,}", "{\"a\" 1}", "\"\\x\"", "{} {}", "\uFEFF{}", "/* c */ {}"];
}
