using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Containment.Networking;

/// <summary>
/// Runs a network's plugin chain: ADD in order, each plugin given the previous one's result; DEL in reverse, with the
/// final ADD result (also after an ADD that failed half way, so that nothing stays behind); CHECK in order.
/// </summary>
internal static class CniRunner
{
    /// <summary>Adds the container's namespace at <paramref name="netns"/> to the network; on failure, deletes it again.</summary>
    /// <returns>The typed result and the raw one (which DEL and CHECK are given as <c>prevResult</c>).</returns>
    /// <exception cref="CniException">A plugin failed; every plugin has been run with DEL since.</exception>
    public static async Task<(CniResult Result, JsonNode Raw)> AddAsync(CniNetwork network, string containerId, string netns, ILogger logger,
        CancellationToken cancellationToken)
    {
        JsonNode? previous = null;
        string lastPlugin = "";
        try
        {
            for (var i = 0; i < network.Plugins.Length; i++)
            {
                lastPlugin = PluginType(network, i);
                var output = await CniPlugin.RunAsync(network, i, "ADD", containerId, netns, previous, cancellationToken).ConfigureAwait(false);
                if (!string.IsNullOrWhiteSpace(output))
                    previous = ParseNode(output, lastPlugin);
            }
            if (previous is null)
                throw new CniException(lastPlugin, "ADD", 6, "the chain printed no result", null);
            var typed = JsonSerializer.Deserialize(previous, CniJsonContext.Default.CniResultJson)
                ?? throw new CniException(lastPlugin, "ADD", 6, "the result is null", null);
            return (CniResult.From(typed, lastPlugin), previous);
        }
        catch (Exception e) when (e is CniException or OperationCanceledException or JsonException)
        {
            logger.LogWarning("Network {Network}: ADD of container {Id} failed ({Message}); removing what the plugins made",
                network.Name, containerId, e.Message);
            await DeleteAsync(network, containerId, netns, previous, logger, throwOnError: false).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Runs DEL for every plugin, last first. A plugin's failure does not stop the others; the first failure is thrown at
    /// the end when <paramref name="throwOnError"/>, else logged. Never cancelled: a half-run DEL leaves the most behind.
    /// </summary>
    public static async Task DeleteAsync(CniNetwork network, string containerId, string? netns, JsonNode? prevResult, ILogger logger, bool throwOnError)
    {
        CniException? first = null;
        for (var i = network.Plugins.Length - 1; i >= 0; i--)
        {
            try
            {
                await CniPlugin.RunAsync(network, i, "DEL", containerId, netns, prevResult, CancellationToken.None).ConfigureAwait(false);
            }
            catch (CniException e)
            {
                logger.LogWarning("Network {Network}: DEL of container {Id} failed: {Message}", network.Name, containerId, e.Message);
                first ??= e;
            }
        }
        if (first is not null && throwOnError)
            throw first;
    }

    /// <summary>Runs CHECK for every plugin in order: each says whether what it set up is still as it was.</summary>
    public static async Task CheckAsync(CniNetwork network, string containerId, string netns, JsonNode prevResult, CancellationToken cancellationToken)
    {
        for (var i = 0; i < network.Plugins.Length; i++)
            await CniPlugin.RunAsync(network, i, "CHECK", containerId, netns, prevResult, cancellationToken).ConfigureAwait(false);
    }

    private static string PluginType(CniNetwork network, int index) => JsonNode.Parse(network.Plugins[index])!["type"]!.GetValue<string>();

    private static JsonNode ParseNode(string output, string plugin)
    {
        try
        {
            return JsonNode.Parse(output) as JsonObject ?? throw new CniException(plugin, "ADD", 6, "the result is not a JSON object", output);
        }
        catch (JsonException e)
        {
            throw new CniException(plugin, "ADD", 6, $"the result is not JSON: {e.Message}", output);
        }
    }
}
