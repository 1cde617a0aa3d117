using Containment.IntegrationTests.Support;
using Containment.Namespaces;

namespace Containment.IntegrationTests.Networking;

/// <summary>Not a test: what a bridge network adds to start→exit (ADD before the program, DEL at dispose), run by hand.</summary>
[Explicit("a measurement, run by hand")]
public class CniLatencyMeasurement
{
    [Test]
    public async Task Start_to_exit_of_true_with_no_network_and_with_a_bridge()
    {
        using var rootfs = TestRootfs.Create();
        using var host = TestHostNetwork.Create();
        var none = StartLatency.TrueIn(rootfs);
        var bridge = host.Bridge();
        await StartLatency.MeasureAsync(
        [
            ("none (lo only)", () => none),
            ("bridge + host-local", () => none.WithNetwork(Containment.Networking.CniNetwork.FromJson(BridgeOnly(bridge))
                .WithPluginNetworkNamespace(host.Path))),
            ("bridge + host-local + portmap", () => none.WithNetwork(bridge)),
            ("bridge + host-local + portmap, 1 published port", () => none.WithNetwork(bridge.WithPortMapping(8080, 80))),
        ], runs: 60, warmup: 10);
    }

    private static string BridgeOnly(Containment.Networking.CniNetwork network) =>
        $$"""{"cniVersion":"{{network.CniVersion}}","name":"{{network.Name}}","plugins":[{{network.Plugins[0]}}]}""";
}
