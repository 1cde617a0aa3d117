using Containment.Capabilities;

namespace Containment.Networking;

/// <summary>
/// A process on a CNI network does not get CAP_NET_RAW from the default set: with raw and packet sockets it forges
/// frames on the shared bridge, from another container's or the gateway's address, and to the host's 127.0.0.1, which
/// the host accepts from the bridge once portmap turned <c>route_localnet</c> on for a published port (the
/// CVE-2020-8558 class; <c>Escapes/NetworkSpoofTests.cs</c>). A process whose capabilities the caller chose keeps them.
/// <c>ping</c> works without it: <c>net.ipv4.ping_group_range</c> (of the container's network namespace) lets every
/// group (every mapped one, in a user namespace) open ICMP datagram sockets, as Docker sets it, unless the spec sets it.
/// </summary>
internal static class RawSocketGuard
{
    private const string PingGroupRange = "net.ipv4.ping_group_range";

    /// <summary>The spec of a container that joins a CNI network, with the default capabilities made safe for the bridge.</summary>
    public static ContainerSpec Apply(ContainerSpec spec)
    {
        // A spec without a network namespace of its own is refused by ValidateNetwork: no sysctl to add to its errors.
        if (spec.Process.Capabilities != CapabilitySpec.Default || !spec.Namespaces.IsNew(Namespaces.NamespaceKind.Network))
            return spec;
        spec = spec.WithProcess(Apply(spec.Process));
        return spec.Sysctls.ContainsKey(PingGroupRange) || GroupRange(spec) is not { } range ? spec : spec.WithSysctl(PingGroupRange, range);
    }

    /// <summary>Every group: the kernel takes the range in the container's user namespace, whose ends must be mapped there.</summary>
    private static string? GroupRange(ContainerSpec spec)
    {
        if (spec.UserNamespace is not { } userNamespace)
            return "0 2147483647";
        if (userNamespace.GidMappings.IsEmpty)
            return null;
        var low = userNamespace.GidMappings.Min(m => m.ContainerId);
        var high = userNamespace.GidMappings.Max(m => (ulong)m.ContainerId + m.Size - 1);
        return $"{low} {Math.Min(high, int.MaxValue)}";
    }

    /// <summary>A process of a container on a CNI network (an exec): the default capabilities without CAP_NET_RAW.</summary>
    public static ProcessSpec Apply(ProcessSpec process) => process.Capabilities != CapabilitySpec.Default ? process
        : process with { Capabilities = CapabilitySpec.Of(CapabilitySet.Default.Remove(Capability.NetRaw)) };
}
