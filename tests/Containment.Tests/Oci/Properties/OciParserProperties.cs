using System.Text.Json.Nodes;
using Containment.Oci;
using CsCheck;

namespace Containment.Tests.Oci.Properties;

/// <summary>
/// OciConfig.Parse (and the process and state documents) on generated, mutated and broken documents: a value
/// or an <see cref="OciConfigException"/>, never another exception; what parses validates without throwing,
/// writes back to an equal value, and unknown members change nothing.
/// </summary>
public class OciParserProperties
{
    private static readonly Gen<JsonTree> AnyConfig = Gen.Frequency(
        (3, Documents.HostileConfig), (2, Documents.MutatedConfig), (1, Documents.TypedConfig), (1, Documents.OverlaidConfig));

    [Test]
    public void A_config_parses_or_is_refused_with_an_OciConfigException() =>
        PropertyRuns.CheckDocuments(AnyConfig, tree =>
        {
            var text = tree.Render();
            if (Expect.ParsedOrRefused(() => OciConfig.Parse(text)) is { } config)
                Expect.NamesEveryFieldOrNone(config.Validate());
        }, ciDefault: 4000);

    [Test]
    public void Broken_text_is_refused_with_an_OciConfigException() =>
        PropertyRuns.Check(Gen.Frequency((4, Documents.DamagedText), (1, Gen.OneOf(HostileJson.Documents))),
            text => Expect.ParsedOrRefused(() => OciConfig.Parse(text)), ciDefault: 3000, t => t);

    [Test]
    public void A_process_alone_parses_or_is_refused_with_an_OciConfigException() =>
        PropertyRuns.CheckDocuments(AnyConfig.Select(ProcessOf), tree =>
        {
            var text = tree.Render();
            if (Expect.ParsedOrRefused(() => OciProcess.Parse(text)) is { } process)
                Expect.NamesEveryFieldOrNone(OciConfigValidator.ValidateProcess(process));
        }, ciDefault: 2000);

    [Test]
    public void A_state_parses_or_is_refused_and_writes_back_to_an_equal_state() =>
        PropertyRuns.CheckDocuments(Gen.Frequency((1, new JsonGen(hostility: 8).For(OciSchema.State)), (1, new JsonGen(hostility: 0).For(OciSchema.State))), tree =>
        {
            if (Expect.ParsedOrRefused(() => OciState.Parse(tree.Render())) is { } state)
                Assert.That(OciState.Parse(state.ToJson()), Is.EqualTo(state));
        }, ciDefault: 2000);

    [Test]
    public void A_parsed_config_written_and_read_again_is_equal() =>
        PropertyRuns.CheckDocuments(Gen.Frequency((2, Documents.TypedConfig), (1, Documents.OverlaidConfig), (1, Documents.MutatedConfig)), tree =>
        {
            if (Expect.ParsedOrRefused(() => OciConfig.Parse(tree.Render())) is not { } config)
                return;
            var written = config.ToJson();
            var again = OciConfig.Parse(written);
            Assert.That(again, Is.EqualTo(config), written);
            Assert.That(again.GetHashCode(), Is.EqualTo(config.GetHashCode()));
            Assert.That(again.ToJson(), Is.EqualTo(written));
        }, ciDefault: 3000);

    [Test]
    public void Unknown_members_change_nothing() =>
        PropertyRuns.Check(Gen.Select(Gen.Frequency((2, Documents.TypedConfig), (1, Documents.OverlaidConfig)), UnknownMember.Any.Array[1, 5]),
            pair =>
            {
                var (tree, unknown) = pair;
                var plain = Expect.ParsedOrRefused(() => OciConfig.Parse(tree.Render()));
                var withUnknown = UnknownMember.InsertAll(tree, unknown, skip: "seccomp").Render();
                if (plain is null)
                    Assert.That(Expect.ParsedOrRefused(() => OciConfig.Parse(withUnknown)), Is.Null, withUnknown);
                else
                    Assert.That(OciConfig.Parse(withUnknown), Is.EqualTo(plain), withUnknown);
            }, ciDefault: 2000, t => UnknownMember.InsertAll(t.Item1, t.Item2, skip: "seccomp").Render());

    /// <summary>The document's process member, or the document itself when it has none.</summary>
    private static JsonTree ProcessOf(JsonTree config) =>
        config is JsonTree.Object o && o.Members.LastOrDefault(m => m.Key == "process").Value is { } process ? process : config;
}
