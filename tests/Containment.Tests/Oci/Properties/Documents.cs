using System.Text.Json.Nodes;
using CsCheck;

namespace Containment.Tests.Oci.Properties;

/// <summary>The documents the properties draw from: real configs (Oci/Data), generated ones, and the mixes.</summary>
internal static class Documents
{
    private static readonly string[] RealConfigNames =
        ["runc-spec.json", "runc-spec-rootless.json", "podman.json", "podman-default.json", "containerd.json", "every-field.json"];

    public static IReadOnlyList<string> RealConfigTexts { get; } = [.. RealConfigNames.Select(OciTestData.Read)];

    public static IReadOnlyList<JsonTree> RealConfigs { get; } = [.. RealConfigTexts.Select(t => JsonTree.From(JsonNode.Parse(t)))];

    /// <summary>Real seccomp profiles: each config's linux.seccomp and the library's default.</summary>
    public static IReadOnlyList<JsonTree> RealSeccompProfiles { get; } =
    [
        .. RealConfigTexts.Select(t => JsonNode.Parse(t)?["linux"]?["seccomp"]).Where(s => s is not null).Select(JsonTree.From),
        JsonTree.From(JsonNode.Parse(Containment.Seccomp.SeccompProfile.Default.ToJson())),
    ];

    /// <summary>Configs with every kind of hostility (wrong types, repeated keys, unknown members).</summary>
    public static readonly Gen<JsonTree> HostileConfig = new JsonGen(hostility: 6).For(OciSchema.Config);

    /// <summary>Configs whose every value has its field's type.</summary>
    public static readonly Gen<JsonTree> TypedConfig = new JsonGen(hostility: 0).For(OciSchema.Config);

    /// <summary>A real config with a few generated fields laid over it: often valid, so conversion goes deep.</summary>
    public static readonly Gen<JsonTree> OverlaidConfig =
        Gen.Select(Gen.OneOf(RealConfigs.ToArray()), new JsonGen(hostility: 0, presence: 15).For(OciSchema.Config), Overlay);

    public static readonly Gen<JsonTree> MutatedConfig = JsonMutation.Of(RealConfigs);

    /// <summary>Text that is cut short or has a character changed: the parser meets broken syntax.</summary>
    public static readonly Gen<string> DamagedText = Gen.Select(Gen.OneOf(RealConfigTexts.ToArray()), Gen.Int[0, int.MaxValue], Gen.Int[0, 3], Gen.Char,
        (text, at, how, ch) =>
        {
            var i = at % (text.Length + 1);
            return how switch
            {
                0 => text[..i],
                1 => text.Insert(i, ch.ToString()),
                2 when i < text.Length => text.Remove(i, 1),
                _ => text[..i] + HostileJson.Documents[at % HostileJson.Documents.Length],
            };
        });

    /// <summary><paramref name="top"/>'s members replace <paramref name="bottom"/>'s; objects of the model merge.</summary>
    public static JsonTree Overlay(JsonTree bottom, JsonTree top)
    {
        if (bottom is not JsonTree.Object { Model: true } b || top is not JsonTree.Object { Model: true } t)
            return top;
        var members = b.Members.ToList();
        foreach (var (key, value) in t.Members)
        {
            var i = members.FindIndex(m => string.Equals(m.Key, key, StringComparison.OrdinalIgnoreCase));
            if (i < 0) members.Add(new(key, value));
            else members[i] = new(members[i].Key, key == "seccomp" ? value : Overlay(members[i].Value, value));
        }
        return b with { Members = members };
    }
}
