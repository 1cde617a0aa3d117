using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Containment.Networking;

/// <summary>
/// Runs one plugin of a network once, as the CNI spec says: the command and the container in CNI_* variables, the
/// plugin's configuration (with <c>name</c>, <c>cniVersion</c>, <c>prevResult</c> and <c>runtimeConfig</c>) on its
/// standard input, its result or error on its standard output.
/// </summary>
internal static class CniPlugin
{
    /// <summary>util-linux's nsenter starts a plugin in <see cref="CniNetwork.PluginNetworkNamespace"/>: setns then exec, no fork.</summary>
    internal const string Nsenter = "/usr/bin/nsenter";

    /// <summary>Runs plugin <paramref name="index"/>; returns what it printed (its result; empty for DEL).</summary>
    /// <exception cref="CniException">The plugin failed, timed out or could not start.</exception>
    public static async Task<string> RunAsync(CniNetwork network, int index, string command, string containerId, string? netns,
        JsonNode? prevResult, CancellationToken cancellationToken)
    {
        var config = JsonNode.Parse(network.Plugins[index])!.AsObject();
        var type = config["type"]!.GetValue<string>();
        config["name"] = network.Name;
        config["cniVersion"] = network.CniVersion;
        if (prevResult is not null)
            config["prevResult"] = prevResult.DeepClone();
        if (RuntimeConfig(network, config) is { } runtimeConfig)
            config["runtimeConfig"] = runtimeConfig;

        var psi = StartInfo(network, Locate(network, type, command));
        psi.Environment["CNI_COMMAND"] = command;
        psi.Environment["CNI_CONTAINERID"] = containerId;
        psi.Environment["CNI_NETNS"] = netns ?? "";
        psi.Environment["CNI_IFNAME"] = network.InterfaceName;
        psi.Environment["CNI_PATH"] = string.Join(':', network.PluginDirectories);
        psi.Environment["CNI_ARGS"] = string.Join(';', network.Args.Select(a => $"{a.Key}={a.Value}").Prepend("IgnoreUnknown=1"));

        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new CniException(type, command, 0, "could not start", psi.FileName);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new CniException(type, command, 0, $"could not start {psi.FileName}: {e.Message}", null);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
            try
            {
                await process.StandardInput.WriteAsync(config.ToJsonString()).ConfigureAwait(false);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The plugin exited without reading its configuration: its exit status and output say why.
            }
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(network.Timeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                throw new CniException(type, command, 0, $"timed out after {network.Timeout.TotalSeconds:0.###} s", null);
            }
            var output = await stdout.ConfigureAwait(false);
            if (process.ExitCode == 0)
                return output;
            throw Failure(type, command, process.ExitCode, output, (await stderr.ConfigureAwait(false)).Trim());
        }
    }

    private static ProcessStartInfo StartInfo(CniNetwork network, string plugin)
    {
        var psi = new ProcessStartInfo(plugin)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        if (network.PluginNetworkNamespace is { } hostNetns)
        {
            psi.FileName = Nsenter;
            psi.ArgumentList.Add($"--net={hostNetns}");
            psi.ArgumentList.Add("--");
            psi.ArgumentList.Add(plugin);
        }
        return psi;
    }

    private static string Locate(CniNetwork network, string type, string command)
    {
        foreach (var directory in network.PluginDirectories)
        {
            var path = Path.Combine(directory, type);
            if (File.Exists(path))
                return path;
        }
        throw new CniException(type, command, 0, $"no plugin '{type}' in {string.Join(", ", network.PluginDirectories)}", null);
    }

    /// <summary>The capability arguments the plugin asked for (its <c>capabilities</c>) that the runtime has: portMappings.</summary>
    private static JsonObject? RuntimeConfig(CniNetwork network, JsonObject config)
    {
        if (config["capabilities"] is not JsonObject capabilities || network.PortMappings.IsEmpty
            || (capabilities["portMappings"] as JsonValue)?.TryGetValue<bool>(out var wanted) != true || !wanted)
            return null;
        var mappings = new JsonArray();
        foreach (var m in network.PortMappings)
        {
            var mapping = new JsonObject { ["hostPort"] = m.HostPort, ["containerPort"] = m.ContainerPort, ["protocol"] = m.Protocol };
            if (m.HostIp is not null)
                mapping["hostIP"] = m.HostIp;
            mappings.Add((JsonNode)mapping);
        }
        return new JsonObject { ["portMappings"] = mappings };
    }

    private static CniException Failure(string type, string command, int exitCode, string stdout, string stderr)
    {
        try
        {
            if (JsonSerializer.Deserialize(stdout, CniJsonContext.Default.CniErrorJson) is { Msg: { } msg } error)
                return new CniException(type, command, error.Code, msg, string.IsNullOrEmpty(error.Details) ? NullIfEmpty(stderr) : error.Details);
        }
        catch (JsonException)
        {
            // Not a CNI error: the exit code and standard error are all there is.
        }
        return new CniException(type, command, 0, $"exited with code {exitCode}", NullIfEmpty(stderr) ?? NullIfEmpty(stdout.Trim()));
    }

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;
}
