namespace Containment.Networking;

/// <summary>
/// A published port: connections to <see cref="HostPort"/> on the host reach <see cref="ContainerPort"/> in the
/// container. Handed to plugins that declare the <c>portMappings</c> capability (portmap) as the CNI
/// <c>runtimeConfig.portMappings</c>.
/// </summary>
/// <param name="HostPort">The host's port (1-65535).</param>
/// <param name="ContainerPort">The container's port (1-65535).</param>
/// <param name="Protocol"><c>tcp</c> or <c>udp</c>.</param>
/// <param name="HostIp">Only connections to this host address, or null for any.</param>
public sealed record CniPortMapping(int HostPort, int ContainerPort, string Protocol = "tcp", string? HostIp = null)
{
    /// <summary>Parses <c>HOSTPORT:PORT</c> or <c>HOSTPORT:PORT/udp</c>.</summary>
    /// <exception cref="FormatException">Not in that form, or a port out of range.</exception>
    public static CniPortMapping Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var protocol = "tcp";
        var ports = text;
        if (text.LastIndexOf('/') is var slash and > 0)
        {
            protocol = text[(slash + 1)..];
            ports = text[..slash];
        }
        var parts = ports.Split(':');
        if (parts.Length == 2 && int.TryParse(parts[0], out var host) && int.TryParse(parts[1], out var container)
            && new CniPortMapping(host, container, protocol).Problem() is null)
            return new CniPortMapping(host, container, protocol);
        throw new FormatException($"'{text}' is not a port mapping HOSTPORT:PORT[/tcp|/udp] with ports 1-65535");
    }

    internal string? Problem() =>
        HostPort is < 1 or > 65535 ? $"host port {HostPort} is not in 1-65535"
        : ContainerPort is < 1 or > 65535 ? $"container port {ContainerPort} is not in 1-65535"
        : Protocol is not ("tcp" or "udp" or "sctp") ? $"protocol '{Protocol}' is not tcp, udp or sctp"
        : HostIp is not null && !System.Net.IPAddress.TryParse(HostIp, out _) ? $"host IP '{HostIp}' is not an IP address"
        : null;

    /// <inheritdoc />
    public override string ToString() => $"{HostPort}:{ContainerPort}/{Protocol}";
}
