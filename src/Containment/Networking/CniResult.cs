using System.Collections.Immutable;
using System.Net;

namespace Containment.Networking;

/// <summary>What a network gave a container: the final result of its plugin chain (CNI 1.0.0 / 0.4.0 result).</summary>
/// <param name="CniVersion">The result's CNI version.</param>
/// <param name="Interfaces">Interfaces the plugins made, on the host and in the container (<see cref="CniInterface.Sandbox"/> set).</param>
/// <param name="Ips">The addresses, each with the interface it is on.</param>
/// <param name="Routes">The routes the plugins set in the container.</param>
/// <param name="Dns">Name servers and search domains the network suggests (plugins only report them; nothing applies them).</param>
public sealed record CniResult(string CniVersion, ImmutableArray<CniInterface> Interfaces, ImmutableArray<CniIpConfig> Ips,
    ImmutableArray<CniRoute> Routes, CniDns Dns)
{
    /// <summary>The container's addresses (those on an interface inside it, or every address when the plugins did not say).</summary>
    public ImmutableArray<IPAddress> Addresses => [.. Ips
        .Where(ip => ip.Interface is not { } i || i < 0 || i >= Interfaces.Length || Interfaces[i].Sandbox is { Length: > 0 })
        .Select(ip => ip.Address)];

    internal static CniResult From(CniResultJson json, string plugin) => new(
        json.CniVersion ?? "",
        [.. (json.Interfaces ?? []).Select(i => new CniInterface(i.Name ?? "", i.Mac, string.IsNullOrEmpty(i.Sandbox) ? null : i.Sandbox))],
        [.. (json.Ips ?? []).Select(ip => CniIpConfig.Parse(ip, plugin))],
        [.. (json.Routes ?? []).Select(r => CniRoute.Parse(r, plugin))],
        new CniDns([.. json.Dns?.Nameservers ?? []], json.Dns?.Domain, [.. json.Dns?.Search ?? []], [.. json.Dns?.Options ?? []]));
}

/// <summary>An interface a plugin made.</summary>
/// <param name="Name">Its name, e.g. <c>eth0</c> in the container or <c>veth1a2b3c4d</c> on the host.</param>
/// <param name="Mac">Its hardware address, when it has one.</param>
/// <param name="Sandbox">The network namespace path it is in when that is the container's, else null (a host interface).</param>
public sealed record CniInterface(string Name, string? Mac, string? Sandbox);

/// <summary>An address a plugin assigned.</summary>
/// <param name="Address">The address.</param>
/// <param name="PrefixLength">Its prefix length (the subnet it is on).</param>
/// <param name="Gateway">The subnet's gateway, when there is one.</param>
/// <param name="Interface">The index in <see cref="CniResult.Interfaces"/> of the interface it is on, when given.</param>
public sealed record CniIpConfig(IPAddress Address, int PrefixLength, IPAddress? Gateway, int? Interface)
{
    internal static CniIpConfig Parse(CniIpJson json, string plugin)
    {
        var (address, prefix) = CniRoute.ParseCidr(json.Address, "ips[].address", plugin);
        IPAddress? gateway = null;
        if (!string.IsNullOrEmpty(json.Gateway) && !IPAddress.TryParse(json.Gateway, out gateway))
            throw BadResult(plugin, "ips[].gateway", json.Gateway);
        return new CniIpConfig(address, prefix, gateway, json.Interface);
    }

    internal static CniException BadResult(string plugin, string field, string? value) =>
        new(plugin, "ADD", 6, $"the result's {field} '{value}' is not an IP address", null);

    /// <inheritdoc />
    public override string ToString() => $"{Address}/{PrefixLength}";
}

/// <summary>A route a plugin set in the container.</summary>
/// <param name="Destination">The destination network's address.</param>
/// <param name="PrefixLength">The destination network's prefix length (0 for the default route).</param>
/// <param name="Gateway">The next hop, or null for the interface's default gateway.</param>
public sealed record CniRoute(IPAddress Destination, int PrefixLength, IPAddress? Gateway)
{
    internal static CniRoute Parse(CniRouteJson json, string plugin)
    {
        var (destination, prefix) = ParseCidr(json.Dst, "routes[].dst", plugin);
        IPAddress? gateway = null;
        if (!string.IsNullOrEmpty(json.Gw) && !IPAddress.TryParse(json.Gw, out gateway))
            throw CniIpConfig.BadResult(plugin, "routes[].gw", json.Gw);
        return new CniRoute(destination, prefix, gateway);
    }

    internal static (IPAddress, int) ParseCidr(string? cidr, string field, string plugin)
    {
        var slash = cidr?.IndexOf('/') ?? -1;
        if (slash > 0 && IPAddress.TryParse(cidr.AsSpan(0, slash), out var address)
            && int.TryParse(cidr.AsSpan(slash + 1), System.Globalization.CultureInfo.InvariantCulture, out var prefix)
            && prefix >= 0 && prefix <= (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128))
            return (address, prefix);
        throw CniIpConfig.BadResult(plugin, field, cidr);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Destination}/{PrefixLength}{(Gateway is null ? "" : $" via {Gateway}")}";
}

/// <summary>The DNS settings a network suggests.</summary>
/// <param name="Nameservers">Name server addresses, in order of preference.</param>
/// <param name="Domain">The local domain.</param>
/// <param name="Search">Search domains.</param>
/// <param name="Options">resolv.conf options.</param>
public sealed record CniDns(ImmutableArray<string> Nameservers, string? Domain, ImmutableArray<string> Search, ImmutableArray<string> Options);
