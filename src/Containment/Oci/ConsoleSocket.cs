using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Containment.Interop;
using Microsoft.Win32.SafeHandles;

namespace Containment.Oci;

/// <summary>
/// The OCI console socket contract (runc's <c>--console-socket</c>): the runtime connects to a Unix stream socket
/// the manager (conmon, containerd-shim) listens on and sends the pty master as an <c>SCM_RIGHTS</c> descriptor,
/// with the terminal's name as the message's bytes.
/// </summary>
internal static class ConsoleSocket
{
    private const int MaxName = 4096;

    /// <summary>Connects to <paramref name="socketPath"/> and sends <paramref name="master"/> (the caller keeps its own copy).</summary>
    /// <param name="socketPath">The manager's listening Unix socket.</param>
    /// <param name="master">The pty master, e.g. <see cref="ContainerTerminal.Handle"/>.</param>
    /// <param name="name">The name sent with it (runc sends the master's path).</param>
    /// <exception cref="ContainmentException">Connecting or sending failed (named with the socket's path and the error).</exception>
    public static void Send(string socketPath, SafeHandle master, string name = "/dev/ptmx")
    {
        ArgumentNullException.ThrowIfNull(socketPath);
        ArgumentNullException.ThrowIfNull(master);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
        }
        catch (SocketException e)
        {
            throw new ContainmentException($"connect(console socket {socketPath}): {e.SocketErrorCode}: {e.Message}", e);
        }
        var added = false;
        try
        {
            master.DangerousAddRef(ref added);
            SendFd(socket, (int)master.DangerousGetHandle(), Encoding.UTF8.GetBytes(name), socketPath);
        }
        finally
        {
            if (added)
                master.DangerousRelease();
        }
    }

    /// <summary>
    /// Receives a terminal sent by <see cref="Send"/> (or runc) on an accepted connection: the manager's side,
    /// for tools and tests that play it.
    /// </summary>
    /// <returns>The pty master; the caller owns it.</returns>
    /// <exception cref="ContainmentException">The peer closed the connection without sending a descriptor.</exception>
    public static async Task<SafeFileHandle> ReceiveAsync(Socket connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var peek = new byte[1];
        while (true)
        {
            if (await connection.ReceiveAsync(peek, SocketFlags.Peek, cancellationToken).ConfigureAwait(false) == 0)
                throw new ContainmentException("The console socket's peer closed the connection without sending a terminal.");
            if (TryReceiveFd(connection) is { } fd)
                return fd;
        }
    }

    private static unsafe void SendFd(Socket socket, int fd, byte[] name, string what)
    {
        var control = stackalloc byte[Libc.CmsgSpace(sizeof(int))];
        new Span<byte>(control, Libc.CmsgSpace(sizeof(int))).Clear();
        *(ulong*)control = (ulong)(Libc.CmsgHeaderSize + sizeof(int));
        *(int*)(control + 8) = Libc.SOL_SOCKET;
        *(int*)(control + 12) = Libc.SCM_RIGHTS;
        *(int*)(control + Libc.CmsgHeaderSize) = fd;
        fixed (byte* data = name)
        {
            var iov = new Libc.IoVec { Base = data, Length = (nuint)name.Length };
            var hdr = new Libc.MsgHdr { Iov = &iov, IovLength = 1, Control = control, ControlLength = (nuint)Libc.CmsgSpace(sizeof(int)) };
            if (Libc.SendMsg((int)socket.Handle, &hdr, Libc.MSG_NOSIGNAL) != name.Length)
                throw SyscallException.FromLastError("sendmsg", $"console socket {what}");
        }
    }

    private static unsafe SafeFileHandle? TryReceiveFd(Socket socket)
    {
        var buffer = stackalloc byte[MaxName];
        var control = stackalloc byte[Libc.CmsgSpace(sizeof(int))];
        var iov = new Libc.IoVec { Base = buffer, Length = MaxName };
        var hdr = new Libc.MsgHdr { Iov = &iov, IovLength = 1, Control = control, ControlLength = (nuint)Libc.CmsgSpace(sizeof(int)) };
        var n = Libc.RecvMsg((int)socket.Handle, &hdr, Libc.MSG_DONTWAIT | Libc.MSG_CMSG_CLOEXEC);
        if (n < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno is Errno.EAGAIN or Errno.EINTR ? null : throw new SyscallException("recvmsg", "console socket", errno);
        }
        if (hdr.ControlLength >= (nuint)(Libc.CmsgHeaderSize + sizeof(int)) && *(int*)(control + 8) == Libc.SOL_SOCKET && *(int*)(control + 12) == Libc.SCM_RIGHTS)
            return new SafeFileHandle(*(int*)(control + Libc.CmsgHeaderSize), ownsHandle: true);
        throw new ContainmentException($"The console socket's peer sent {n} bytes without a terminal descriptor.");
    }
}
