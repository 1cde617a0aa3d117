using System.Text.Json;
using Containment.Oci;

namespace Containment.Tests.Oci;

public class OciConfigParsingTests
{
    private const string Minimal = """{"ociVersion": "1.2.0", "root": {"path": "rootfs"}}""";

    [Test]
    public void Unknown_properties_are_ignored_at_every_level()
    {
        const string json = """
            {
              "ociVersion": "1.2.0",
              "futureTopLevel": {"deep": [1, 2, {"x": null}]},
              "process": {"args": ["sh"], "cwd": "/", "user": {"uid": 1, "gid": 2, "futureUserField": true}, "futureProcessField": 1},
              "root": {"path": "rootfs", "futureRootField": "x"},
              "windows": {"layerFolders": ["C:\\layers"]},
              "linux": {"futureLinuxField": [], "namespaces": [{"type": "pid", "futureNsField": 3}]}
            }
            """;

        var config = OciConfig.Parse(json);

        Assert.That(config.Process!.User, Is.EqualTo(new OciUser { Uid = 1, Gid = 2 }));
        Assert.That(config.Linux!.Namespaces, Is.EqualTo(new[] { new OciNamespace { Type = "pid" } }));
        Assert.That(config.ToJson(), Does.Not.Contain("future").And.Not.Contain("windows"));
    }

    [Test]
    public void Absent_fields_stay_absent_when_written()
    {
        var json = OciConfig.Parse(Minimal).ToJson();

        Assert.That(JsonDocument.Parse(json).RootElement.EnumerateObject().Select(p => p.Name),
            Is.EqualTo(new[] { "ociVersion", "root" }));
        Assert.That(json, Does.Not.Contain("null"));
    }

    [Test]
    public void Explicit_false_and_empty_lists_are_kept()
    {
        const string json = """{"ociVersion": "1.2.0", "root": {"path": "r", "readonly": false}, "mounts": [], "annotations": {}}""";

        var written = OciConfig.Parse(json).ToJson();

        Assert.That(OciTestData.SameData(json, written), Is.True, written);
    }

    [Test]
    public void Property_names_match_regardless_of_case_as_in_go()
    {
        var config = OciConfig.Parse("""{"OCIVERSION": "1.0.0", "Root": {"Path": "rootfs"}}""");

        Assert.That(config.OciVersion, Is.EqualTo("1.0.0"));
        Assert.That(config.Root!.Path, Is.EqualTo("rootfs"));
    }

    [Test]
    public void A_wrong_type_names_the_field_and_the_line()
    {
        const string json = "{\n  \"ociVersion\": \"1.2.0\",\n  \"linux\": {\n    \"namespaces\": [{\"type\": \"pid\"}, {\"type\": 5}]\n  }\n}";

        var e = Assert.Throws<OciConfigException>(() => OciConfig.Parse(json))!;

        Assert.That(e.JsonPath, Is.EqualTo("linux.namespaces[1].type"));
        Assert.That(e.Line, Is.EqualTo(4));
        Assert.That(e.Message, Does.Contain("linux.namespaces[1].type").And.Contain("line 4"));
        Assert.That(e.InnerException, Is.InstanceOf<JsonException>());
    }

    [Test]
    public void A_negative_uid_is_a_parse_error_naming_the_field()
    {
        var e = Assert.Throws<OciConfigException>(() =>
            OciConfig.Parse("""{"ociVersion": "1.2.0", "process": {"cwd": "/", "user": {"uid": -1, "gid": 0}}}"""))!;

        Assert.That(e.JsonPath, Is.EqualTo("process.user.uid"));
    }

    [Test]
    public void Broken_json_reports_its_line()
    {
        var e = Assert.Throws<OciConfigException>(() => OciConfig.Parse("{\n  \"ociVersion\": \"1.2.0\",\n  \"root\": }\n"))!;

        Assert.That(e.Line, Is.EqualTo(3));
        Assert.That(e.Message, Does.Contain("line 3"));
    }

    [Test]
    public void Null_for_a_required_object_is_a_parse_error()
    {
        var e = Assert.Throws<OciConfigException>(() =>
            OciConfig.Parse("""{"ociVersion": "1.2.0", "process": {"cwd": "/", "user": null}}"""))!;

        Assert.That(e.JsonPath, Is.EqualTo("process.user"));
    }

    [Test]
    public void A_json_null_document_is_rejected()
    {
        Assert.Throws<OciConfigException>(() => OciConfig.Parse("null"));
    }

    [Test]
    public void A_missing_file_is_an_oci_config_exception_naming_the_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}", "config.json");

        var e = Assert.Throws<OciConfigException>(() => OciConfig.Load(path))!;

        Assert.That(e.Message, Does.StartWith(path));
        Assert.That(e.SourcePath, Is.EqualTo(path));
    }

    [Test]
    public void A_file_error_names_the_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"oci-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, "{\"ociVersion\": 1}");
        try
        {
            var e = Assert.Throws<OciConfigException>(() => OciConfig.Load(path))!;
            Assert.That(e.Message, Does.StartWith($"{path}: ociVersion:"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Seccomp_is_kept_as_raw_json()
    {
        var config = OciConfig.Load(OciTestData.PathOf("podman.json"));

        var seccomp = JsonDocument.Parse(config.Linux!.SeccompJson!).RootElement;

        Assert.That(seccomp.GetProperty("defaultAction").GetString(), Is.EqualTo("SCMP_ACT_ERRNO"));
        Assert.That(seccomp.GetProperty("syscalls")[6].GetProperty("args")[0].GetProperty("value").GetInt64(), Is.EqualTo(2114060288));
        Assert.That(config.Linux.Seccomp!.Value.ValueKind, Is.EqualTo(JsonValueKind.Object));
    }

    [Test]
    public void Without_seccomp_the_raw_json_is_null()
    {
        Assert.That(OciConfig.Parse(Minimal).Linux?.SeccompJson, Is.Null);
        Assert.That(OciConfig.Parse("""{"ociVersion": "1.2.0", "linux": {"seccomp": null}}""").Linux!.SeccompJson, Is.Null);
    }

    [Test]
    public void Equality_compares_content_not_order_of_map_keys()
    {
        var a = OciConfig.Parse("""{"ociVersion": "1.2.0", "annotations": {"a": "1", "b": "2"}, "process": {"cwd": "/", "args": ["x"]}}""");
        var b = OciConfig.Parse("""{"ociVersion": "1.2.0", "annotations": {"b": "2", "a": "1"}, "process": {"cwd": "/", "args": ["x"]}}""");
        var c = a with { Process = a.Process! with { Args = ["y"] } };

        Assert.That(b, Is.EqualTo(a));
        Assert.That(b.GetHashCode(), Is.EqualTo(a.GetHashCode()));
        Assert.That(c, Is.Not.EqualTo(a));
    }

    [Test]
    public void Save_writes_a_document_that_loads_back()
    {
        var path = Path.Combine(Path.GetTempPath(), $"oci-{Guid.NewGuid():N}.json");
        var config = OciConfig.Load(OciTestData.PathOf("every-field.json"));
        try
        {
            config.Save(path);
            Assert.That(OciConfig.Load(path), Is.EqualTo(config));
            Assert.That(Directory.GetFiles(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}*"), Is.Empty);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
