using System.Text.Json.Nodes;
using Containment.Networking;

namespace Containment.Tests.Networking;

public class CniNetworkTests
{
    [Test]
    public void A_conflist_is_read_with_its_name_version_and_plugins_in_order()
    {
        var network = CniNetwork.FromJson("""
            {"cniVersion":"0.4.0","name":"n1", // comments are allowed, as libcni's loader does
             "plugins":[{"type":"bridge","bridge":"br9"},{"type":"portmap","capabilities":{"portMappings":true}}]}
            """);
        Assert.That((network.Name, network.CniVersion), Is.EqualTo(("n1", "0.4.0")));
        Assert.That(network.Plugins.Select(p => JsonNode.Parse(p)!["type"]!.GetValue<string>()), Is.EqualTo(new[] { "bridge", "portmap" }));
    }

    [TestCase("""{"cniVersion":"1.0.0","plugins":[{"type":"bridge"}]}""", "no \"name\"")]
    [TestCase("""{"name":"n","plugins":[{"type":"bridge"}]}""", "no \"cniVersion\"")]
    [TestCase("""{"cniVersion":"1.0.0","name":"n","type":"bridge"}""", "no \"plugins\" list")]
    [TestCase("""{"cniVersion":"1.0.0","name":"n","plugins":[{"type":"bridge"},{"ipam":{}}]}""", "plugins[1] has no \"type\"")]
    [TestCase("""{"cniVersion":"1.0.0","name":"n","plugins":[{"type":"../../bin/sh"}]}""", "is not a plugin name")]
    [TestCase("""{"cniVersion":""", "not JSON")]
    public void A_conflist_that_is_not_one_is_refused_naming_what_is_missing(string json, string problem)
    {
        var e = Assert.Throws<ContainerSpecException>(() => CniNetwork.FromJson(json));
        Assert.That(e!.Errors.Single().Field, Is.EqualTo("network"));
        Assert.That(e.Message, Does.Contain(problem));
    }

    [Test]
    public void The_bridge_preset_is_bridge_with_host_local_and_portmap_without_masquerade()
    {
        var network = CniNetwork.Bridge("a-rather-long-name", "10.9.0.0/24", b => b.DataDir("/tmp/leases"));
        var bridge = JsonNode.Parse(network.Plugins[0])!;
        Assert.That(bridge["type"]!.GetValue<string>(), Is.EqualTo("bridge"));
        Assert.That(bridge["bridge"]!.GetValue<string>(), Is.EqualTo("cni-a-rather-lo"), "an interface name has at most 15 characters");
        Assert.That(bridge["ipMasq"]!.GetValue<bool>(), Is.False);
        Assert.That(bridge["isGateway"]!.GetValue<bool>(), Is.True);
        Assert.That(bridge["ipam"]!["type"]!.GetValue<string>(), Is.EqualTo("host-local"));
        Assert.That(bridge["ipam"]!["dataDir"]!.GetValue<string>(), Is.EqualTo("/tmp/leases"));
        Assert.That(bridge["ipam"]!["ranges"]![0]![0]!["subnet"]!.GetValue<string>(), Is.EqualTo("10.9.0.0/24"));
        Assert.That(JsonNode.Parse(network.Plugins[1])!["capabilities"]!["portMappings"]!.GetValue<bool>(), Is.True);
        Assert.That(JsonNode.Parse(CniNetwork.Bridge("m", "10.9.0.0/24", b => b.Masquerade()).Plugins[0])!["ipMasq"]!.GetValue<bool>(), Is.True);
    }

    [TestCase("8080:80", 8080, 80, "tcp")]
    [TestCase("53:5353/udp", 53, 5353, "udp")]
    public void A_port_mapping_is_parsed_from_hostport_colon_port(string text, int host, int container, string protocol) =>
        Assert.That(CniPortMapping.Parse(text), Is.EqualTo(new CniPortMapping(host, container, protocol)));

    [TestCase("80")]
    [TestCase("0:80")]
    [TestCase("80:70000")]
    [TestCase("80:80/icmp")]
    public void A_port_mapping_out_of_range_or_malformed_is_refused(string text) =>
        Assert.Throws<FormatException>(() => CniPortMapping.Parse(text));

    [Test]
    public void Settings_that_cannot_work_are_spec_errors_before_anything_runs()
    {
        var network = CniNetwork.Bridge("n", "10.9.0.0/24").WithInterfaceName("eth0/../x").WithPortMapping(0, 80).WithTimeout(TimeSpan.Zero)
            .WithPluginNetworkNamespace("/nonexistent/netns");
        var spec = ContainerSpec.HostReadOnly().WithNetwork(network).WithNamespaces(n => n.Without(Namespaces.NamespaceKind.Network));
        Assert.That(spec.ValidateNetwork(detached: true).Select(e => e.Field), Is.EquivalentTo(new[]
            { "network", "network", "network.interfaceName", "network.portMappings", "network.pluginNetworkNamespace", "network.timeout" }));
    }
}
