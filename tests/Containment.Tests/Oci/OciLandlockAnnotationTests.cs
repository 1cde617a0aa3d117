using Containment.Landlock;
using Containment.Oci;

namespace Containment.Tests.Oci;

/// <summary>The <c>org.containment.landlock</c> annotation: Landlock rules in a config.json, read by the converter.</summary>
public class OciLandlockAnnotationTests
{
    private static readonly OciConfig Base = new()
    {
        OciVersion = "1.2.1",
        Root = new OciRoot { Path = "rootfs" },
        Process = new OciProcess { Args = ["sh"], Cwd = "/" },
        Linux = new OciLinux { Namespaces = [new() { Type = "mount" }, new() { Type = "pid" }] },
    };

    private static OciConfig With(string json) =>
        Base with { Annotations = new Dictionary<string, string> { ["other"] = "x", [OciSpecConverter.LandlockAnnotation] = json } };

    [Test]
    public void Without_the_annotation_there_is_no_Landlock()
    {
        Assert.That(OciSpecConverter.ToContainerSpec(Base, "/bundle").Landlock, Is.Null);
    }

    [Test]
    public void Each_member_becomes_its_rule()
    {
        var rules = OciSpecConverter.ToContainerSpec(With("""
            {"readOnly":["/usr","/etc"],"readWrite":["/tmp"],"execute":["/usr/bin"],"connectTcp":[443,80],"bestEffort":true}
            """), "/bundle").Landlock!;
        Assert.That(rules.Paths, Is.EqualTo(new[]
        {
            new LandlockPathRule("/usr", LandlockPathAccess.Read), new LandlockPathRule("/etc", LandlockPathAccess.Read),
            new LandlockPathRule("/tmp", LandlockPathAccess.Read | LandlockPathAccess.Write),
            new LandlockPathRule("/usr/bin", LandlockPathAccess.Read | LandlockPathAccess.Execute),
        }));
        Assert.That((rules.RestrictsTcpConnect, rules.TcpConnectPorts.ToArray(), rules.BestEffort), Is.EqualTo((true, new ushort[] { 443, 80 }, true)));
        Assert.That(OciSpecConverter.ToContainerSpec(With("{}"), "/bundle").Landlock!.Paths, Is.Empty, "an empty object still closes the filesystem");
    }

    [TestCase("not json", "annotations.org.containment.landlock: is not JSON")]
    [TestCase("[]", "annotations.org.containment.landlock: must be a JSON object")]
    [TestCase("""{"readonly":["/usr"]}""", "annotations.org.containment.landlock.readonly: is not a Landlock rule this runtime knows")]
    [TestCase("""{"readOnly":"/usr"}""", "annotations.org.containment.landlock.readOnly: must be an array of paths")]
    [TestCase("""{"connectTcp":[70000]}""", "annotations.org.containment.landlock.connectTcp: must be an array of TCP ports")]
    [TestCase("""{"bestEffort":"yes"}""", "annotations.org.containment.landlock.bestEffort: must be true or false")]
    public void A_malformed_annotation_is_refused_naming_the_member(string json, string error)
    {
        var e = Assert.Throws<ContainerSpecException>(() => OciSpecConverter.ToContainerSpec(With(json), "/bundle"))!;
        Assert.That(e.Errors.Select(x => x.ToString()), Has.Some.StartWith(error));
    }

    [Test]
    public void A_relative_path_is_a_spec_error_naming_the_rule()
    {
        var spec = OciSpecConverter.ToContainerSpec(With("""{"readWrite":["tmp"]}"""), "/bundle");
        Assert.That(spec.Validate().Select(e => e.ToString()), Has.Member("landlock.paths[0]: 'tmp' is not an absolute path"));
    }
}
