using System.Text;

namespace Containment.Networking;

/// <summary>
/// <c>/etc/hosts</c>, <c>/etc/hostname</c> and <c>/etc/resolv.conf</c> of a container on a CNI network: host files under
/// <c>/run/containment/network/ID/</c>, bound read-only over the container's own where its root has them (a
/// <see cref="RootfsSpec.HostReadOnly"/> view or a directory whose <c>/etc</c> holds the file, and no mount of the user's
/// there). They are made empty before the launch (a bind source must exist when the plan is compiled) and written once
/// ADD has given the addresses, before the container's program starts: the bind shows the same inode.
/// </summary>
internal sealed class NetworkFiles
{
    private const string Root = "/run/containment/network";

    private static readonly string[] Names = ["hosts", "hostname", "resolv.conf"];

    private readonly string _directory;
    private readonly List<string> _bound;

    private NetworkFiles(string directory, List<string> bound)
    {
        _directory = directory;
        _bound = bound;
    }

    /// <summary>Makes the files the container's root can take and binds them in the returned spec; null when it takes none.</summary>
    public static (ContainerSpec, NetworkFiles?) Prepare(ContainerSpec spec, string id)
    {
        var bound = Names.Where(name => Takes(spec, name) && (name != "hostname" || spec.Hostname is not null)).ToList();
        if (bound.Count == 0)
            return (spec, null);
        var directory = Path.Combine(Root, id);
        try
        {
            Directory.CreateDirectory(directory);
            foreach (var name in bound)
                File.WriteAllText(Path.Combine(directory, name), "");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            new NetworkFiles(directory, bound).Delete();
            throw new ContainmentException($"could not make the network files of container {id} in {directory}: {e.Message}", e);
        }
        var files = new NetworkFiles(directory, bound);
        return (spec.WithMounts(m =>
        {
            foreach (var name in bound)
                m.Bind(Path.Combine(directory, name), "/etc/" + name, readOnly: true, recursive: false);
        }), files);
    }

    /// <summary>Writes what ADD gave: the container's addresses under its hostname, the network's name servers.</summary>
    public void Write(ContainerSpec spec, CniResult result)
    {
        var hostname = spec.Hostname ?? Environment.MachineName;
        foreach (var name in _bound)
            File.WriteAllText(Path.Combine(_directory, name), name switch
            {
                "hosts" => Hosts(result, hostname),
                "hostname" => hostname + "\n",
                _ => ResolvConf(result),
            });
    }

    /// <summary>Removes the files (once the container, and so its binds, are gone).</summary>
    public void Delete() => DeleteDirectory(_directory);

    /// <summary>Removes the files a container <paramref name="id"/> that is gone may have left (lease GC).</summary>
    public static void DeleteOf(string id) => DeleteDirectory(Path.Combine(Root, id));

    private static void DeleteDirectory(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private static bool Takes(ContainerSpec spec, string name)
    {
        var target = "/etc/" + name;
        if (spec.Filesystem.Mounts.Any(m => Path.TrimEndingDirectorySeparator(m.Destination) == target))
            return false;
        var inRoot = spec.Rootfs switch
        {
            RootfsSpec.HostReadOnly => target,
            RootfsSpec.Directory d => Path.Combine(d.Path, "etc", name),
            _ => null,
        };
        // A regular file only: a symlink there would be followed by the bind.
        return inRoot is not null && new FileInfo(inRoot) is { Exists: true, LinkTarget: null };
    }

    private static string Hosts(CniResult result, string hostname)
    {
        var text = new StringBuilder("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
        foreach (var address in result.Addresses)
            text.Append(address).Append('\t').Append(hostname).Append('\n');
        return text.ToString();
    }

    /// <summary>The network's DNS; without name servers, the host's resolv.conf without its loopback ones (unreachable inside).</summary>
    private static string ResolvConf(CniResult result)
    {
        if (result.Dns.Nameservers.IsEmpty)
            return string.Concat(HostResolvConf().Where(l => !IsLoopbackNameserver(l)).Select(l => l + "\n"));
        var text = new StringBuilder();
        foreach (var server in result.Dns.Nameservers)
            text.Append("nameserver ").Append(server).Append('\n');
        if (!result.Dns.Search.IsEmpty)
            text.Append("search ").AppendJoin(' ', result.Dns.Search).Append('\n');
        else if (result.Dns.Domain is { Length: > 0 } domain)
            text.Append("domain ").Append(domain).Append('\n');
        if (!result.Dns.Options.IsEmpty)
            text.Append("options ").AppendJoin(' ', result.Dns.Options).Append('\n');
        return text.ToString();
    }

    private static string[] HostResolvConf()
    {
        try
        {
            return File.ReadAllLines("/etc/resolv.conf");
        }
        catch (IOException)
        {
            return [];
        }
    }

    private static bool IsLoopbackNameserver(string line)
    {
        var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 && parts[0] == "nameserver"
            && System.Net.IPAddress.TryParse(parts[1], out var address) && System.Net.IPAddress.IsLoopback(address);
    }
}
