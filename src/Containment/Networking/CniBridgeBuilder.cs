using System.Text.Json.Nodes;

namespace Containment.Networking;

/// <summary>Settings of the <see cref="CniNetwork.Bridge"/> preset: bridge + host-local IPAM + portmap.</summary>
public sealed class CniBridgeBuilder
{
    private readonly string _name;
    private readonly string _subnet;
    private string? _bridge;
    private string? _gateway;
    private string? _dataDir;
    private bool _masquerade;
    private bool _portMap = true;
    private string _cniVersion = "1.0.0";

    internal CniBridgeBuilder(string name, string subnet)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(subnet);
        _name = name;
        _subnet = subnet;
    }

    /// <summary>The bridge's name on the host (default <c>cni-NAME</c>, cut to 15 characters).</summary>
    public CniBridgeBuilder BridgeName(string bridge) { _bridge = bridge; return this; }

    /// <summary>The gateway address (the bridge's); default: the subnet's first host address.</summary>
    public CniBridgeBuilder Gateway(string gateway) { _gateway = gateway; return this; }

    /// <summary>Where host-local keeps its leases (default <c>/var/lib/cni/networks</c>); see <see cref="CniLeases"/>.</summary>
    public CniBridgeBuilder DataDir(string directory) { _dataDir = directory; return this; }

    /// <summary>Masquerades the containers' traffic out of the host (an iptables rule on the host). Off by default.</summary>
    public CniBridgeBuilder Masquerade(bool on = true) { _masquerade = on; return this; }

    /// <summary>Leaves portmap out of the chain (published ports are then refused by no plugin taking them).</summary>
    public CniBridgeBuilder WithoutPortMap() { _portMap = false; return this; }

    /// <summary>The CNI version the plugins are run with: 1.0.0 (default) or 0.4.0.</summary>
    public CniBridgeBuilder Version(string cniVersion) { _cniVersion = cniVersion; return this; }

    internal string ToConflist()
    {
        var range = new JsonObject { ["subnet"] = _subnet };
        if (_gateway is not null)
            range["gateway"] = _gateway;
        var ipam = new JsonObject { ["type"] = "host-local", ["ranges"] = new JsonArray((JsonNode)new JsonArray((JsonNode)range)) };
        if (_dataDir is not null)
            ipam["dataDir"] = _dataDir;
        var bridgeName = _bridge ?? ("cni-" + _name)[..Math.Min(15, 4 + _name.Length)];
        var plugins = new JsonArray((JsonNode)new JsonObject
        {
            ["type"] = "bridge", ["bridge"] = bridgeName, ["isGateway"] = true, ["ipMasq"] = _masquerade,
            ["hairpinMode"] = true, ["ipam"] = ipam,
        });
        if (_portMap)
            plugins.Add((JsonNode)new JsonObject { ["type"] = "portmap", ["capabilities"] = new JsonObject { ["portMappings"] = true } });
        return new JsonObject { ["cniVersion"] = _cniVersion, ["name"] = _name, ["plugins"] = plugins }.ToJsonString();
    }
}
