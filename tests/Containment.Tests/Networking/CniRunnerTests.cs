using System.Text.Json.Nodes;
using Containment.Networking;
using Microsoft.Extensions.Logging.Abstractions;

namespace Containment.Tests.Networking;

/// <summary>The plugin protocol, with shell-script plugins that record what they were given (no root, no network).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class CniRunnerTests
{
    private string _dir = null!;

    private string Log => Path.Combine(_dir, "log");

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("containment-cni-unit-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    /// <summary>A plugin that logs "COMMAND name", keeps its config and environment, and prints <paramref name="result"/> on ADD.</summary>
    private void Plugin(string name, string result, bool failAdd = false) => Script(name, $$"""
        #!/bin/sh
        cat > {{_dir}}/$CNI_COMMAND-{{name}}.json
        env | grep ^CNI_ | sort > {{_dir}}/$CNI_COMMAND-{{name}}.env
        echo "$CNI_COMMAND {{name}}" >> {{Log}}
        [ "$CNI_COMMAND" = ADD ] || exit 0
        {{(failAdd ? """echo '{"cniVersion":"1.0.0","code":11,"msg":"busy","details":"try later"}'; exit 1""" : $"echo '{result}'")}}
        """);

    private void Script(string name, string text)
    {
        File.WriteAllText(Path.Combine(_dir, name), text);
        File.SetUnixFileMode(Path.Combine(_dir, name), (UnixFileMode)0b111_101_101);
    }

    private CniNetwork Network(params string[] plugins)
    {
        var list = string.Join(',', plugins.Select(p => "{\"type\":\"" + p + "\",\"capabilities\":{\"portMappings\":true}}"));
        return CniNetwork.FromJson("{\"cniVersion\":\"1.0.0\",\"name\":\"unit\",\"plugins\":[" + list + "]}").WithPluginDirectories(_dir);
    }

    private const string First = """{"cniVersion":"1.0.0","ips":[{"address":"10.1.0.2/24"}],"custom":"kept"}""";
    private const string Second = """{"cniVersion":"1.0.0","ips":[{"address":"10.1.0.3/24"}]}""";

    [Test]
    public async Task Add_runs_the_chain_in_order_each_plugin_given_the_previous_result_and_the_cni_environment()
    {
        Plugin("one", First);
        Plugin("two", Second);
        var network = Network("one", "two").WithPortMapping(8080, 80).WithArg("K8S_POD_NAME", "p");

        var (result, _) = await CniRunner.AddAsync(network, "cid", "/proc/1/ns/net", NullLogger.Instance, CancellationToken.None);

        Assert.That(File.ReadAllLines(Log), Is.EqualTo(new[] { "ADD one", "ADD two" }));
        Assert.That(result.Ips.Single().ToString(), Is.EqualTo("10.1.0.3/24"));
        var second = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "ADD-two.json")))!;
        Assert.That(second["name"]!.GetValue<string>(), Is.EqualTo("unit"));
        Assert.That(second["cniVersion"]!.GetValue<string>(), Is.EqualTo("1.0.0"));
        Assert.That(second["prevResult"]!["custom"]!.GetValue<string>(), Is.EqualTo("kept"), "the previous result is passed whole");
        Assert.That(second["runtimeConfig"]!["portMappings"]![0]!.ToJsonString(), Is.EqualTo("""{"hostPort":8080,"containerPort":80,"protocol":"tcp"}"""));
        Assert.That(JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "ADD-one.json")))!["prevResult"], Is.Null);
        Assert.That(File.ReadAllLines(Path.Combine(_dir, "ADD-one.env")), Is.EqualTo(new[]
        {
            "CNI_ARGS=IgnoreUnknown=1;K8S_POD_NAME=p", "CNI_COMMAND=ADD", "CNI_CONTAINERID=cid", "CNI_IFNAME=eth0", "CNI_NETNS=/proc/1/ns/net", $"CNI_PATH={_dir}",
        }));
    }

    [Test]
    public void An_add_failing_half_way_runs_del_for_every_plugin_in_reverse_and_throws_the_cni_error()
    {
        Plugin("one", First);
        Plugin("two", "", failAdd: true);
        Plugin("three", Second);

        var e = Assert.ThrowsAsync<CniException>(() => CniRunner.AddAsync(Network("one", "two", "three"), "cid", "/proc/1/ns/net", NullLogger.Instance, CancellationToken.None));

        Assert.That((e!.Plugin, e.Command, e.Code, e.CniMessage, e.Details), Is.EqualTo(("two", "ADD", 11u, "busy", "try later")));
        Assert.That(File.ReadAllLines(Log), Is.EqualTo(new[] { "ADD one", "ADD two", "DEL three", "DEL two", "DEL one" }));
        Assert.That(JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "DEL-one.json")))!["prevResult"]!["custom"]!.GetValue<string>(), Is.EqualTo("kept"));
    }

    [Test]
    public void A_plugin_that_hangs_is_killed_at_the_timeout()
    {
        Script("slow", "#!/bin/sh\nexec sleep 600\n");
        var network = Network("slow").WithTimeout(TimeSpan.FromMilliseconds(300));

        var e = Assert.ThrowsAsync<CniException>(() => CniPlugin.RunAsync(network, 0, "ADD", "cid", "/x", null, CancellationToken.None));
        Assert.That(e!.Message, Does.Contain("timed out"));
    }

    [Test]
    public void A_missing_plugin_and_a_crash_without_a_cni_error_are_named()
    {
        var missing = Assert.ThrowsAsync<CniException>(() => CniPlugin.RunAsync(Network("absent"), 0, "ADD", "cid", "/x", null, CancellationToken.None));
        Assert.That(missing!.Message, Does.Contain($"no plugin 'absent' in {_dir}"));

        Script("crash", "#!/bin/sh\necho 'segfault, probably' >&2\nexit 2\n");
        var crash = Assert.ThrowsAsync<CniException>(() => CniPlugin.RunAsync(Network("crash"), 0, "ADD", "cid", "/x", null, CancellationToken.None));
        Assert.That((crash!.Code, crash.CniMessage, crash.Details), Is.EqualTo((0u, "exited with code 2", "segfault, probably")));
    }
}
