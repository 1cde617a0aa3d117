using Containment.Namespaces;
using Containment.Networking;

namespace Containment.Run;

/// <summary>The sample's CNI options: a bridged network the host can reach, and published ports.</summary>
internal sealed class NetworkOptions
{
    public const string Usage = """
          --network bridge[:SUBNET]  a private network on the host's bridge cni-containment (CNI bridge +
                               host-local + portmap, no masquerade), SUBNET default 10.89.0.0/24; the
                               container's address is printed on stderr
          --publish HOSTPORT:PORT[/udp]  connections to the host's HOSTPORT reach PORT in the container
                               (repeatable; needs --network)
          --network-plugin-ns PATH  run the CNI plugins in this network namespace instead of the host's
          --network-data-dir DIR  where host-local keeps its leases (default /var/lib/cni/networks)
        """;

    private string? _subnet;
    private string? _pluginNamespace;
    private string? _dataDir;
    private readonly List<CniPortMapping> _published = [];

    /// <summary>Takes <paramref name="flag"/> if it is a network option; false otherwise.</summary>
    public bool TryParse(string flag, Func<string, string> next)
    {
        switch (flag)
        {
            case "--network":
                var value = next(flag);
                _subnet = value == "bridge" ? "10.89.0.0/24"
                    : value.StartsWith("bridge:", StringComparison.Ordinal) && value.Length > 7 ? value[7..]
                    : throw new ArgumentException($"--network {value}: expected bridge or bridge:SUBNET, e.g. bridge:10.89.0.0/24");
                return true;
            case "--publish":
                var mapping = next(flag);
                try
                {
                    _published.Add(CniPortMapping.Parse(mapping));
                }
                catch (FormatException e)
                {
                    throw new ArgumentException($"--publish: {e.Message}");
                }
                return true;
            case "--network-plugin-ns":
                _pluginNamespace = next(flag);
                return true;
            case "--network-data-dir":
                _dataDir = next(flag);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Refuses options that need <c>--network</c> without it.</summary>
    public void Validate()
    {
        if (_subnet is null && (_published.Count > 0 || _pluginNamespace is not null || _dataDir is not null))
            throw new ArgumentException("--publish, --network-plugin-ns and --network-data-dir need --network bridge");
    }

    /// <summary>The spec with its CNI network, when <c>--network</c> was given.</summary>
    public ContainerSpec Apply(ContainerSpec spec)
    {
        if (_subnet is null)
            return spec;
        var network = CniNetwork.Bridge("containment", _subnet, b =>
            {
                if (_dataDir is not null)
                    b.DataDir(_dataDir);
            }).WithPluginNetworkNamespace(_pluginNamespace)
            with { PortMappings = [.. _published] };
        return spec.WithNamespaces(n => n.With(NamespaceKind.Network)).WithNetwork(network);
    }
}
