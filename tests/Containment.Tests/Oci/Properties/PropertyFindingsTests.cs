using Containment.Oci;
using Containment.Seccomp;

namespace Containment.Tests.Oci.Properties;

/// <summary>The smallest inputs the properties found breaking the parser or the converter, kept as examples.</summary>
public class PropertyFindingsTests
{
    private static IEnumerable<string> Fields(TestDelegate act) =>
        Assert.Throws<ContainerSpecException>(act)!.Errors.Select(e => e.Field);

    [Test]
    public void A_root_path_with_NUL_is_a_validation_error_not_an_ArgumentException()
    {
        var config = OciConfig.Parse("""{"ociVersion":"1.0.0","root":{"path":"/\u0000/x"}}""");
        Assert.That(Fields(() => ContainerSpec.FromOci(config, "/bundle")), Does.Contain("root.path"));
    }

    [Test]
    public void Resources_alone_are_validated_before_they_convert()
    {
        var config = OciConfig.Parse("""{"linux":{"resources":{"hugepageLimits":[{}],"devices":[null],"network":{"priorities":[{"priority":1}]}}}}""");
        Assert.That(Fields(() => OciSpecConverter.ToCgroupSpec(config.Linux!.Resources)), Is.SupersetOf(new[]
        {
            "linux.resources.hugepageLimits[0].pageSize", "linux.resources.devices[0]", "linux.resources.network.priorities[0].name",
        }));
    }

    [Test]
    public void A_null_cgroup_file_or_sysctl_value_is_a_validation_error()
    {
        var config = OciConfig.Parse("""
            {"ociVersion":"1.1.0","process":{"user":{},"args":["sh"],"cwd":"/"},"root":{"path":"rootfs"},
             "linux":{"namespaces":[{"type":"mount"},{"type":"network"}],"sysctl":{"net.ipv4.ip_forward":null},
                      "resources":{"unified":{"memory.high":null}}}}
            """);
        Assert.That(Fields(() => ContainerSpec.FromOci(config, "/bundle")),
            Is.SupersetOf(new[] { "linux.sysctl.net.ipv4.ip_forward", "linux.resources.unified.memory.high" }));
    }

    [Test]
    public void A_seccomp_string_that_is_no_UTF16_text_is_refused_when_parsing()
    {
        var e = Assert.Throws<OciConfigException>(() => OciConfig.Parse("""{"linux":{"seccomp":{"syscalls":[{"name":"x\ud83d"}]}}}"""));
        Assert.That(e!.JsonPath, Is.EqualTo("linux.seccomp"));
    }

    [Test]
    public void A_config_whose_seccomp_repeats_a_key_compares_hashes_and_writes()
    {
        const string json = """{"linux":{"seccomp":{"syscalls":[],"syscalls":"\""}}}""";
        var config = OciConfig.Parse(json);
        var again = OciConfig.Parse(config.ToJson());
        Assert.That(again, Is.EqualTo(config));
        Assert.That(again.GetHashCode(), Is.EqualTo(config.GetHashCode()));
        Assert.That(again, Is.Not.EqualTo(OciConfig.Parse("""{"linux":{"seccomp":{"syscalls":"\"","syscalls":[]}}}""")));
    }

    [Test]
    public void A_null_archMap_entry_is_an_error_naming_it() =>
        Assert.That(Fields(() => SeccompProfile.FromJson("""{"defaultAction":"SCMP_ACT_ALLOW","archMap":[null]}""")), Does.Contain("archMap[0]"));
}
