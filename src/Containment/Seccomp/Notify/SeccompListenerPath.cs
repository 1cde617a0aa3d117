using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json;
using Containment.Interop;
using Containment.Oci;

namespace Containment.Seccomp.Notify;

/// <summary>
/// The OCI <c>linux.seccomp.listenerPath</c> contract: the runtime connects to the UNIX stream socket at that path and
/// sends the <i>container process state</i> (<c>ociVersion</c>, <c>fds: ["seccompFd"]</c>, <c>pid</c>,
/// <c>metadata</c>, <c>state</c>) as JSON, with the listener fd attached (SCM_RIGHTS) — as runc does, once, while the
/// container is being created. An OCI runtime calls <see cref="SendAsync"/> from its
/// <see cref="ContainerStartOptions.SeccompListener"/>.
/// </summary>
internal static class SeccompListenerPath
{
    /// <summary>The name the state gives the attached listener fd.</summary>
    public const string SeccompFdName = "seccompFd";

    /// <summary>Sends the listener and the container process state to the agent listening at <paramref name="listenerPath"/>.</summary>
    /// <param name="listenerPath">The agent's UNIX socket (the profile's <see cref="SeccompProfile.ListenerPath"/>).</param>
    /// <param name="listener">The seccomp notify listener fd (the caller keeps its own copy and closes it).</param>
    /// <param name="pid">The container process's pid.</param>
    /// <param name="metadata">The profile's <see cref="SeccompProfile.ListenerMetadata"/>, or null.</param>
    /// <param name="state">The container's OCI state.</param>
    /// <param name="cancellationToken">Cancels the connect.</param>
    /// <exception cref="ContainmentException">The socket cannot be reached, or the send failed.</exception>
    public static async Task SendAsync(string listenerPath, SafeHandle listener, int pid, string? metadata, OciState state,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(listener);
        ArgumentNullException.ThrowIfNull(state);
        var message = ProcessStateJson(pid, metadata, state);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(listenerPath), cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw new ContainmentException($"seccomp listenerPath: connect({listenerPath}): {e.SocketErrorCode} ({e.Message})", e);
        }
        // The fd travels with the first bytes; whatever the socket did not take goes after it.
        var sent = Libc.SendWithFds((int)socket.Handle, message, [listener]);
        if (sent < 0)
            throw new SyscallException("sendmsg", listenerPath, Marshal.GetLastPInvokeError(), "seccomp listenerPath");
        if (sent < message.Length)
            await socket.SendAsync(message.AsMemory((int)sent), SocketFlags.None, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The container process state document.</summary>
    internal static byte[] ProcessStateJson(int pid, string? metadata, OciState state)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("ociVersion", state.OciVersion);
            json.WriteStartArray("fds");
            json.WriteStringValue(SeccompFdName);
            json.WriteEndArray();
            json.WriteNumber("pid", pid);
            if (metadata is not null)
                json.WriteString("metadata", metadata);
            json.WritePropertyName("state");
            json.WriteRawValue(state.ToJson());
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
