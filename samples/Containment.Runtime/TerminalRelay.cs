using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Containment.Runtime;

/// <summary>
/// A foreground <c>run</c> or <c>exec</c> with a terminal and no console socket, as runc does it: the container's pty
/// is relayed to this process's stdin and stdout, with this terminal (when stdin is one) in raw mode meanwhile and
/// its window size given to the container.
/// </summary>
internal static partial class TerminalRelay
{
    private const int TCSANOW = 0, F_DUPFD_CLOEXEC = 1030;
    private const ulong TIOCGWINSZ = 0x5413;

    /// <summary>A copy of the container's pty master that outlives the container handle, sized as this terminal is.</summary>
    public static SafeFileHandle Keep(ContainerTerminal terminal)
    {
        if (GetWindowSize(1) is { } size)
            terminal.Resize(size.Columns, size.Rows);
        var fd = Interop.Fcntl((int)terminal.Handle.DangerousGetHandle(), F_DUPFD_CLOEXEC, 3);
        if (fd < 0)
            throw new CliException($"cannot keep the container's terminal: errno {Marshal.GetLastPInvokeError()}");
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>Relays until the container's side of the terminal is closed by all its processes.</summary>
    public static async Task CopyAsync(SafeFileHandle master, CancellationToken cancellationToken)
    {
        await using var pty = new FileStream(master, FileAccess.ReadWrite, bufferSize: 0);
        using var raw = RawMode.Enter(0);
        _ = Task.Run(() => CopyInput(pty), CancellationToken.None);
        await using var stdout = Console.OpenStandardOutput();
        var buffer = new byte[16 * 1024];
        while (true)
        {
            int n;
            try
            {
                n = await pty.ReadAsync(buffer, cancellationToken);
            }
            catch (IOException)
            {
                break; // EIO: no process holds the terminal any more
            }
            if (n == 0)
                break;
            await stdout.WriteAsync(buffer.AsMemory(0, n), cancellationToken);
            await stdout.FlushAsync(cancellationToken);
        }
    }

    private static void CopyInput(Stream pty)
    {
        try
        {
            using var stdin = Console.OpenStandardInput();
            var buffer = new byte[4096];
            int n;
            while ((n = stdin.Read(buffer)) > 0)
                pty.Write(buffer, 0, n);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The container's terminal closed.
        }
    }

    private static unsafe (ushort Columns, ushort Rows)? GetWindowSize(int fd)
    {
        ushort* size = stackalloc ushort[4];
        return Ioctl(fd, TIOCGWINSZ, size) == 0 && size[1] > 0 ? (size[1], size[0]) : null;
    }

    /// <summary>This process's terminal in raw mode (keys go to the container as typed), restored on dispose.</summary>
    private sealed class RawMode : IDisposable
    {
        private readonly byte[] _saved;
        private readonly int _fd;

        private RawMode(int fd, byte[] saved) => (_fd, _saved) = (fd, saved);

        public static unsafe RawMode? Enter(int fd)
        {
            var saved = new byte[128];
            var raw = new byte[128];
            fixed (byte* s = saved, r = raw)
            {
                if (TcGetAttr(fd, s) != 0)
                    return null; // not a terminal
                Buffer.MemoryCopy(s, r, 128, 128);
                CfMakeRaw(r);
                TcSetAttr(fd, TCSANOW, r);
            }
            return new RawMode(fd, saved);
        }

        public unsafe void Dispose()
        {
            fixed (byte* s = _saved)
                TcSetAttr(_fd, TCSANOW, s);
        }
    }

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static unsafe partial int Ioctl(int fd, ulong request, void* arg);

    [LibraryImport("libc", EntryPoint = "tcgetattr", SetLastError = true)]
    private static unsafe partial int TcGetAttr(int fd, byte* termios);

    [LibraryImport("libc", EntryPoint = "tcsetattr", SetLastError = true)]
    private static unsafe partial int TcSetAttr(int fd, int action, byte* termios);

    [LibraryImport("libc", EntryPoint = "cfmakeraw")]
    private static unsafe partial void CfMakeRaw(byte* termios);
}
