using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Containment.Networking;

/// <summary>
/// A CNI network a container joins: a network configuration list (the CNI spec's conflist, version 1.0.0 or 0.4.0)
/// whose plugins are run, in order, for the container's own network namespace when it starts, and in reverse when it
/// is torn down. Immutable: every <c>With*</c> returns a copy. <see cref="Bridge"/> builds the common case.
/// </summary>
/// <example><code>
/// var spec = ContainerSpec.HostReadOnly()
///     .WithNetwork(CniNetwork.Bridge("demo", "10.88.0.0/24").WithPortMapping(8080, 80));
/// await using var c = await ContainerProcess.StartAsync(spec.WithProcess(p => p.Args("httpd", "-f")));
/// Console.WriteLine(c.Network!.Result.Addresses[0]);   // 10.88.0.2; the host's port 8080 reaches it
/// </code></example>
public sealed record CniNetwork
{
    private CniNetwork(string name, string cniVersion, ImmutableArray<string> plugins)
    {
        Name = name;
        CniVersion = cniVersion;
        Plugins = plugins;
    }

    /// <summary>The network's name (the conflist's <c>name</c>): host-local keeps its leases under it.</summary>
    public string Name { get; }

    /// <summary>The CNI version every plugin is run with (the conflist's <c>cniVersion</c>).</summary>
    public string CniVersion { get; }

    /// <summary>Each plugin's configuration as a JSON object, in the order ADD runs them.</summary>
    public ImmutableArray<string> Plugins { get; }

    /// <summary>Where plugin executables are looked up by their <c>type</c> (CNI_PATH), in order.</summary>
    public ImmutableArray<string> PluginDirectories { get; init; } = ["/opt/cni/bin", "/usr/lib/cni", "/usr/libexec/cni"];

    /// <summary>The container's interface name (CNI_IFNAME). Default <c>eth0</c>.</summary>
    public string InterfaceName { get; init; } = "eth0";

    /// <summary>Published ports, handed to plugins with the <c>portMappings</c> capability.</summary>
    public ImmutableArray<CniPortMapping> PortMappings { get; init; } = [];

    /// <summary>Extra CNI_ARGS (<c>KEY=VALUE</c> pairs); <c>IgnoreUnknown=1</c> is always passed.</summary>
    public ImmutableSortedDictionary<string, string> Args { get; init; } = ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal);

    /// <summary>How long one plugin may run before it is killed and the operation fails. Default 30 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The network namespace the plugins run in (a path such as <c>/run/netns/NAME</c>), or null for the caller's. The
    /// bridge, veth host ends, routes and port-forwarding rules are made there: a way to keep a whole container network
    /// inside a namespace of its own (the tests use it so that they never touch the machine's network).
    /// </summary>
    public string? PluginNetworkNamespace { get; init; }

    /// <summary>Reads a conflist file.</summary>
    /// <exception cref="ContainerSpecException">The file cannot be read or is not a conflist.</exception>
    public static CniNetwork FromFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ContainerSpecException([new SpecError("network", $"cannot read {path}: {e.Message}")]);
        }
        return FromJson(text, path);
    }

    /// <summary>Parses a conflist: <c>{"cniVersion":"1.0.0","name":"…","plugins":[{"type":"bridge",…},…]}</c>.</summary>
    /// <exception cref="ContainerSpecException">It is not a conflist (the error names the field).</exception>
    public static CniNetwork FromJson(string conflist) => FromJson(conflist, "conflist");

    private static CniNetwork FromJson(string conflist, string source)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(conflist, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw Invalid(source, $"not JSON: {e.Message}");
        }
        if (root is not JsonObject list)
            throw Invalid(source, "not a JSON object");
        var name = (list["name"] as JsonValue)?.TryGetValue<string>(out var n) == true ? n : null;
        var version = (list["cniVersion"] as JsonValue)?.TryGetValue<string>(out var v) == true ? v : null;
        if (string.IsNullOrEmpty(name))
            throw Invalid(source, "it has no \"name\"");
        if (string.IsNullOrEmpty(version))
            throw Invalid(source, "it has no \"cniVersion\"");
        if (list["plugins"] is not JsonArray { Count: > 0 } plugins)
            throw Invalid(source, "it has no \"plugins\" list (a single-plugin .conf must be wrapped in one)");
        var configs = ImmutableArray.CreateBuilder<string>();
        for (var i = 0; i < plugins.Count; i++)
        {
            if (plugins[i] is not JsonObject plugin || (plugin["type"] as JsonValue)?.TryGetValue<string>(out var type) != true || string.IsNullOrEmpty(type))
                throw Invalid(source, $"plugins[{i}] has no \"type\"");
            if (type.Contains('/') || type is "." or "..")
                throw Invalid(source, $"plugins[{i}].type '{type}' is not a plugin name");
            configs.Add(plugin.ToJsonString());
        }
        return new CniNetwork(name, version, configs.ToImmutable());
    }

    private static ContainerSpecException Invalid(string source, string problem) => new([new SpecError("network", $"{source}: {problem}")]);

    /// <summary>
    /// The common case: a Linux bridge on the host with host-local addresses from <paramref name="subnet"/> (the
    /// bridge is the gateway, so the host reaches every container and they reach each other), no masquerade (nothing
    /// routes out unless <see cref="CniBridgeBuilder.Masquerade"/>), and portmap for <see cref="WithPortMapping"/>.
    /// </summary>
    /// <param name="name">The network's name; also names the bridge (<c>cni-NAME</c>, cut to 15 characters) unless set.</param>
    /// <param name="subnet">The subnet addresses come from, e.g. <c>10.88.0.0/24</c>; the first host address is the gateway.</param>
    /// <param name="configure">Further settings.</param>
    public static CniNetwork Bridge(string name, string subnet, Action<CniBridgeBuilder>? configure = null)
    {
        var builder = new CniBridgeBuilder(name, subnet);
        configure?.Invoke(builder);
        return FromJson(builder.ToConflist());
    }

    /// <summary>Publishes <paramref name="containerPort"/> on the host's <paramref name="hostPort"/>.</summary>
    [System.Diagnostics.Contracts.Pure]
    public CniNetwork WithPortMapping(int hostPort, int containerPort, string protocol = "tcp") =>
        this with { PortMappings = PortMappings.Add(new CniPortMapping(hostPort, containerPort, protocol)) };

    /// <summary>Sets <see cref="InterfaceName"/>.</summary>
    [System.Diagnostics.Contracts.Pure]
    public CniNetwork WithInterfaceName(string name) => this with { InterfaceName = name };

    /// <summary>Sets <see cref="PluginDirectories"/>.</summary>
    [System.Diagnostics.Contracts.Pure]
    public CniNetwork WithPluginDirectories(params string[] directories) => this with { PluginDirectories = [.. directories] };

    /// <summary>Sets <see cref="PluginNetworkNamespace"/>.</summary>
    [System.Diagnostics.Contracts.Pure]
    public CniNetwork WithPluginNetworkNamespace(string? path) => this with { PluginNetworkNamespace = path };

    /// <summary>Adds a CNI_ARGS pair, e.g. <c>K8S_POD_NAME=web</c>.</summary>
    [System.Diagnostics.Contracts.Pure]
    public CniNetwork WithArg(string key, string value) => this with { Args = Args.SetItem(key, value) };

    /// <summary>Sets <see cref="Timeout"/>.</summary>
    [System.Diagnostics.Contracts.Pure]
    public CniNetwork WithTimeout(TimeSpan timeout) => this with { Timeout = timeout };

    /// <summary>What is wrong with these settings, in the user's terms.</summary>
    internal IEnumerable<SpecError> Validate()
    {
        if (InterfaceName.Length is 0 or > 15 || InterfaceName.Any(c => c is '/' or ':' || char.IsWhiteSpace(c)) || InterfaceName is "." or "..")
            yield return new SpecError("network.interfaceName", $"'{InterfaceName}' is not an interface name (1-15 characters, no '/', ':' or spaces)");
        foreach (var mapping in PortMappings)
            if (mapping.Problem() is { } problem)
                yield return new SpecError("network.portMappings", $"{mapping}: {problem}");
        if (PluginNetworkNamespace is not null && !File.Exists(PluginNetworkNamespace))
            yield return new SpecError("network.pluginNetworkNamespace", $"'{PluginNetworkNamespace}' does not exist");
        if (Timeout <= TimeSpan.Zero)
            yield return new SpecError("network.timeout", "must be positive");
        foreach (var (key, value) in Args)
            if (key.Length == 0 || key.Contains('=') || key.Contains(';') || value.Contains(';'))
                yield return new SpecError("network.args", $"'{key}={value}' cannot be a CNI_ARGS pair");
    }
}
