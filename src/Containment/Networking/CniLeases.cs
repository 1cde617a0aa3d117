using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Containment.Networking;

/// <summary>
/// Collects the leases a network's host-local IPAM keeps for containers that are gone (the idea of CNI's GC): a host
/// that died before DEL leaves its containers' addresses reserved, and a subnet then runs out. host-local keeps one
/// file per address under <c>DATADIR/NAME/</c> (default <c>/var/lib/cni/networks/NAME</c>) holding the container id and
/// interface; for every id that belongs to no live container, the whole chain is run with DEL (no namespace: the
/// container's is gone), which frees the address and removes portmap's rules for it, and the container's
/// <c>/etc/hosts</c>-and-co files under <c>/run/containment/network/ID</c> go too.
/// </summary>
public static class CniLeases
{
    /// <summary>The (container id, interface) pairs holding an address on <paramref name="network"/>.</summary>
    public static IReadOnlyList<(string ContainerId, string InterfaceName)> List(CniNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var leases = new HashSet<(string, string)>();
        foreach (var directory in LeaseDirectories(network))
        {
            if (!Directory.Exists(directory))
                continue;
            foreach (var file in Directory.EnumerateFiles(directory))
            {
                if (!IPAddress.TryParse(Path.GetFileName(file), out _))
                    continue; // last_reserved_ip.0, lock
                string[] lines;
                try
                {
                    lines = File.ReadAllLines(file);
                }
                catch (FileNotFoundException)
                {
                    continue; // released meanwhile
                }
                if (lines.Length > 0 && lines[0].Trim() is { Length: > 0 } id)
                    leases.Add((id, lines.Length > 1 && lines[1].Trim() is { Length: > 0 } ifname ? ifname : network.InterfaceName));
            }
        }
        return [.. leases.Order()];
    }

    /// <summary>
    /// Runs DEL for every lease of a container for which <paramref name="isLive"/> says false and that does not run in
    /// this process. A live container's lease must not be collected: its address would be handed out twice, its port
    /// mappings and its <c>/etc/hosts</c> would go. The containers this process runs (started, not yet disposed) are
    /// never collected, whatever <paramref name="isLive"/> says (checked right before each DEL, so one started during
    /// the collection is safe too); for the others only the caller knows (a state store, other hosts sharing the
    /// data directory), so <paramref name="isLive"/> is trusted for them.
    /// </summary>
    /// <returns>The container ids whose leases were collected.</returns>
    /// <exception cref="CniException">A DEL failed (the others still ran).</exception>
    public static async Task<IReadOnlyList<string>> CollectAsync(CniNetwork network, Func<string, bool> isLive, ILogger? logger = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(isLive);
        logger ??= NullLogger.Instance;
        var collected = new List<string>();
        CniException? first = null;
        foreach (var (id, ifname) in List(network))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (LiveContainers.IsRunning(id) || isLive(id))
                continue;
            try
            {
                await CniRunner.DeleteAsync(network with { InterfaceName = ifname }, id, netns: null, prevResult: null, logger, throwOnError: true)
                    .ConfigureAwait(false);
                if (!id.Contains('/') && id is not ("." or ".."))
                    NetworkFiles.DeleteOf(id);
                logger.LogInformation("Network {Network}: collected the lease of gone container {Id} ({Interface})", network.Name, id, ifname);
                collected.Add(id);
            }
            catch (CniException e)
            {
                first ??= e;
            }
        }
        return first is null ? collected : throw first;
    }

    /// <summary>host-local's data directories of the network's plugins (<c>ipam.dataDir</c>/NAME).</summary>
    private static IEnumerable<string> LeaseDirectories(CniNetwork network)
    {
        foreach (var plugin in network.Plugins)
        {
            if (JsonNode.Parse(plugin)?["ipam"] is not JsonObject ipam || (ipam["type"] as JsonValue)?.TryGetValue<string>(out var type) != true
                || type != "host-local")
                continue;
            var dataDir = (ipam["dataDir"] as JsonValue)?.TryGetValue<string>(out var d) == true ? d : "/var/lib/cni/networks";
            yield return Path.Combine(dataDir, network.Name);
        }
    }
}
