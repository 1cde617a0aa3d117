using Containment.Launch;
using Containment.Oci;
using Containment.Seccomp;
using CsCheck;

namespace Containment.Tests.Oci.Properties;

/// <summary>
/// ContainerSpec.FromOci on every config that parses: a spec, or a <see cref="ContainerSpecException"/> naming
/// each field at fault. A converted spec validates without throwing, and one that validates compiles to a launch
/// plan or is refused with a typed exception, all before anything would start: no input can leave a container
/// half-started.
/// </summary>
public class OciConverterProperties
{
    private static PropertyBundle _bundle = null!;

    [OneTimeSetUp]
    public void CreateBundle() => _bundle = new PropertyBundle();

    [OneTimeTearDown]
    public void RemoveBundle() => _bundle.Dispose();

    private static readonly Gen<JsonTree> Configs = Gen.Frequency(
        (4, Documents.OverlaidConfig), (2, Documents.MutatedConfig), (1, Documents.TypedConfig), (1, Documents.HostileConfig));

    /// <summary>The members of config.json: every refusal names a field under one of them.</summary>
    private static readonly string[] ConfigMembers = ["ociVersion", "process", "root", "hostname", "domainname", "mounts", "hooks", "annotations", "linux"];

    [Test]
    public void A_config_converts_or_every_problem_is_named_and_a_valid_spec_compiles_to_a_plan()
    {
        var converted = 0;
        var compiled = 0;
        PropertyRuns.CheckDocuments(Configs, tree =>
        {
            if (Expect.ParsedOrRefused(() => OciConfig.Parse(tree.Render())) is not { } config)
                return;
            if (Expect.DoneOrRefused(() => ContainerSpec.FromOci(config, _bundle.Directory), ConfigMembers) is not { } spec)
                return;
            Interlocked.Increment(ref converted);
            var errors = spec.Validate();
            Expect.NamesEveryFieldOrNone(errors);
            if (errors.Count == 0 && Expect.DoneOrRefused(() => Plan(spec)) is not null)
                Interlocked.Increment(ref compiled);
        }, ciDefault: 2500);
        TestContext.Out.WriteLine($"{converted} converted, {compiled} compiled to a launch plan");
        Assert.That(compiled, Is.GreaterThan(0), "no generated config got as far as a launch plan");
    }

    [Test]
    public void A_process_alone_converts_or_every_problem_is_named() =>
        PropertyRuns.CheckDocuments(Configs, tree =>
        {
            if (Expect.ParsedOrRefused(() => OciConfig.Parse(tree.Render()))?.Process is { } process)
                Expect.DoneOrRefused(() => OciSpecConverter.ToProcessSpec(process), "process");
        }, ciDefault: 1500);

    [Test]
    public void Resources_alone_convert_or_every_problem_is_named() =>
        PropertyRuns.CheckDocuments(Configs, tree =>
        {
            if (Expect.ParsedOrRefused(() => OciConfig.Parse(tree.Render()))?.Linux?.Resources is { } resources
                && Expect.DoneOrRefused(() => OciSpecConverter.ToCgroupSpec(resources), "linux.resources") is { } cgroup)
                Expect.NamesEveryFieldOrNone(cgroup.Validate());
        }, ciDefault: 1500);

    /// <summary>What the launcher does with a valid spec before the executor runs, without the host's resources
    /// (no cgroup, no opened bind sources).</summary>
    private static byte[] Plan(ContainerSpec spec)
    {
        var inputs = new LaunchInputs { Seccomp = SeccompPlanner.Compile(spec, SeccompKernelSupport.Everything, null) };
        return PlanCompiler.Compile(spec, inputs).Encode();
    }
}
