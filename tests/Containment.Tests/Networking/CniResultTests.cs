using System.Net;
using System.Text.Json;
using Containment.Networking;

namespace Containment.Tests.Networking;

public class CniResultTests
{
    private static CniResult Parse(string json) => CniResult.From(JsonSerializer.Deserialize(json, CniJsonContext.Default.CniResultJson)!, "bridge");

    [Test]
    public void A_0_4_0_result_gives_typed_interfaces_addresses_routes_and_dns()
    {
        var result = Parse("""
            {"cniVersion":"0.4.0",
             "interfaces":[{"name":"cni0","mac":"aa:bb:cc:dd:ee:01"},{"name":"veth1","mac":"aa:bb:cc:dd:ee:02"},
                           {"name":"eth0","mac":"aa:bb:cc:dd:ee:03","sandbox":"/proc/1/fd/9"}],
             "ips":[{"version":"4","interface":2,"address":"10.9.0.5/24","gateway":"10.9.0.1"}],
             "routes":[{"dst":"0.0.0.0/0"},{"dst":"192.168.0.0/16","gw":"10.9.0.254"}],
             "dns":{"nameservers":["10.9.0.1"],"search":["example.test"]}}
            """);
        Assert.That(result.Addresses, Is.EqualTo(new[] { IPAddress.Parse("10.9.0.5") }));
        Assert.That(result.Ips.Single(), Is.EqualTo(new CniIpConfig(IPAddress.Parse("10.9.0.5"), 24, IPAddress.Parse("10.9.0.1"), 2)));
        Assert.That(result.Interfaces[2].Sandbox, Is.EqualTo("/proc/1/fd/9"));
        Assert.That(result.Interfaces[0].Sandbox, Is.Null);
        Assert.That(result.Routes.Select(r => r.ToString()), Is.EqualTo(new[] { "0.0.0.0/0", "192.168.0.0/16 via 10.9.0.254" }));
        Assert.That(result.Dns.Nameservers, Is.EqualTo(new[] { "10.9.0.1" }));
        Assert.That(result.Dns.Search, Is.EqualTo(new[] { "example.test" }));
    }

    [Test]
    public void An_address_on_a_host_interface_is_not_the_containers()
    {
        var result = Parse("""
            {"cniVersion":"1.0.0","interfaces":[{"name":"cni0"},{"name":"eth0","sandbox":"/x"}],
             "ips":[{"interface":0,"address":"10.9.0.1/24"},{"interface":1,"address":"fd00::5/64"}]}
            """);
        Assert.That(result.Addresses, Is.EqualTo(new[] { IPAddress.Parse("fd00::5") }));
    }

    [TestCase("""{"cniVersion":"1.0.0","ips":[{"address":"10.9.0.5"}]}""", "ips[].address")]
    [TestCase("""{"cniVersion":"1.0.0","ips":[{"address":"10.9.0.5/33"}]}""", "ips[].address")]
    [TestCase("""{"cniVersion":"1.0.0","routes":[{"dst":"0.0.0.0/0","gw":"gateway"}]}""", "routes[].gw")]
    public void A_result_that_is_not_an_address_is_a_decoding_error(string json, string field)
    {
        var e = Assert.Throws<CniException>(() => Parse(json));
        Assert.That(e!.Code, Is.EqualTo(6u));
        Assert.That(e.Message, Does.Contain(field));
    }
}
