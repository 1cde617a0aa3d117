using Containment.Seccomp;
using CsCheck;

namespace Containment.Tests.Oci.Properties;

/// <summary>
/// SeccompProfile.FromJson on generated and mutated profiles: a profile or a <see cref="ContainerSpecException"/>
/// naming each field; what reads writes back to the same profile; unknown members change nothing.
/// </summary>
public class SeccompJsonProperties
{
    private static readonly Gen<JsonTree> Typed = new JsonGen(hostility: 0).For(OciSchema.Seccomp);

    private static readonly Gen<JsonTree> Profiles = Gen.Frequency(
        (2, new JsonGen(hostility: 6).For(OciSchema.Seccomp)), (2, Typed), (2, JsonMutation.Of(Documents.RealSeccompProfiles)));

    [Test]
    public void A_profile_reads_or_every_problem_is_named() =>
        PropertyRuns.CheckDocuments(Profiles, tree => Expect.DoneOrRefused(() => SeccompProfile.FromJson(tree.Render(), "linux.seccomp"), "linux.seccomp"),
            ciDefault: 4000);

    [Test]
    public void A_profile_read_written_and_read_again_is_the_same() =>
        PropertyRuns.CheckDocuments(Gen.Frequency((1, Typed), (1, JsonMutation.Of(Documents.RealSeccompProfiles))), tree =>
        {
            if (Expect.DoneOrRefused(() => SeccompProfile.FromJson(tree.Render())) is not { } profile)
                return;
            var written = profile.ToJson();
            Assert.That(SeccompProfile.FromJson(written).ToJson(), Is.EqualTo(written));
        }, ciDefault: 3000);

    [Test]
    public void Unknown_members_change_nothing() =>
        PropertyRuns.Check(Gen.Select(Typed, UnknownMember.Any.Array[1, 4]), pair =>
        {
            var (tree, unknown) = pair;
            var plain = Expect.DoneOrRefused(() => SeccompProfile.FromJson(tree.Render()));
            var withUnknown = UnknownMember.InsertAll(tree, unknown, skip: null).Render();
            var read = Expect.DoneOrRefused(() => SeccompProfile.FromJson(withUnknown));
            Assert.That(read?.ToJson(), Is.EqualTo(plain?.ToJson()), withUnknown);
        }, ciDefault: 2000, t => UnknownMember.InsertAll(t.Item1, t.Item2, skip: null).Render());
}
