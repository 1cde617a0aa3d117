using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Containment.Interop;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Containment.Networking;

/// <summary>
/// A container's place on a <see cref="CniNetwork"/>: what ADD gave it. The container's network namespace is held
/// open by a descriptor of the host process for as long as the attachment lives, and the plugins reach it through
/// that descriptor (<c>/proc/HOST/fd/N</c>): unlike <c>/proc/PID/ns/net</c> it cannot name another process's namespace
/// once the container has exited and its pid is reused, and unlike a bind mount it leaves nothing behind if the host dies.
/// </summary>
public sealed class CniAttachment
{
    private readonly SafeFileHandle _netns;
    private readonly JsonNode _raw;
    private readonly ILogger _logger;
    private readonly NetworkFiles? _files;
    private int _deleted;

    private CniAttachment(CniNetwork network, string containerId, SafeFileHandle netns, CniResult result, JsonNode raw, NetworkFiles? files, ILogger logger)
    {
        _files = files;
        Network = network;
        ContainerId = containerId;
        _netns = netns;
        Result = result;
        _raw = raw;
        _logger = logger;
    }

    /// <summary>The network.</summary>
    public CniNetwork Network { get; }

    /// <summary>The container id the plugins were given (CNI_CONTAINERID): host-local's leases and portmap's rules carry it.</summary>
    public string ContainerId { get; }

    /// <summary>What the plugin chain gave the container: its interfaces, addresses, routes and DNS.</summary>
    public CniResult Result { get; }

    private string NetnsPath => $"/proc/{Environment.ProcessId}/fd/{_netns.DangerousGetHandle()}";

    /// <summary>Runs CNI CHECK: every plugin verifies that what it set up is still in place.</summary>
    /// <exception cref="CniException">A plugin found a difference, or failed.</exception>
    /// <exception cref="ObjectDisposedException">The container has been torn down (DEL ran).</exception>
    public Task CheckAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _deleted) != 0, this);
        return CniRunner.CheckAsync(Network, ContainerId, NetnsPath, _raw, cancellationToken);
    }

    /// <summary>
    /// Runs ADD of the spec's network for the namespace of <paramref name="pid"/> (a container that has not exec'd yet),
    /// then writes the container's <paramref name="files"/>.
    /// </summary>
    internal static async Task<CniAttachment> AttachAsync(ContainerSpec spec, string containerId, int pid, NetworkFiles? files, ILogger logger,
        CancellationToken cancellationToken)
    {
        var network = spec.Network!;
        var fd = Libc.Open($"/proc/{pid}/ns/net", Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        if (fd < 0)
            throw new ContainmentException($"open(/proc/{pid}/ns/net): {Errno.Name(Marshal.GetLastPInvokeError())}");
        var netns = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            var path = $"/proc/{Environment.ProcessId}/fd/{fd}";
            var (result, raw) = await CniRunner.AddAsync(network, containerId, path, logger, cancellationToken).ConfigureAwait(false);
            var attachment = new CniAttachment(network, containerId, netns, result, raw, files, logger);
            try
            {
                files?.Write(spec, result);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await attachment.DetachAsync().ConfigureAwait(false);
                throw new ContainmentException($"could not write the network files of container {containerId}: {e.Message}", e);
            }
            logger.LogInformation("Container {Id} joined network {Network}: {Addresses}", containerId, network.Name, string.Join(", ", result.Ips));
            return attachment;
        }
        catch
        {
            netns.Dispose(); // once DEL ran, or never attached
            throw;
        }
    }

    /// <summary>Runs DEL (last plugin first), then lets the namespace go. Once; failures are logged.</summary>
    internal async Task DetachAsync()
    {
        if (Interlocked.Exchange(ref _deleted, 1) != 0)
            return;
        try
        {
            await CniRunner.DeleteAsync(Network, ContainerId, NetnsPath, _raw, _logger, throwOnError: false).ConfigureAwait(false);
        }
        finally
        {
            _netns.Dispose();
            _files?.Delete();
        }
    }
}
