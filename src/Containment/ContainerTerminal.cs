using System.Runtime.InteropServices;
using Containment.Interop;
using Microsoft.Win32.SafeHandles;

namespace Containment;

/// <summary>
/// The host's side of a container's pseudo-terminal (<see cref="ProcessSpec.Terminal"/>): what the container
/// writes to its standard output and error is read from <see cref="Stream"/>, what is written there is its input.
/// Disposed with the <see cref="ContainerProcess"/>; closing the last copy of the master hangs the terminal up
/// (the container's session gets SIGHUP).
/// </summary>
public sealed class ContainerTerminal : IDisposable
{
    private const ulong TIOCGWINSZ = 0x5413, TIOCSWINSZ = 0x5414;
    private readonly TerminalStream _stream;

    internal ContainerTerminal(SafeFileHandle master)
    {
        Handle = master;
        _stream = TerminalStream.Over(master);
    }

    /// <summary>
    /// The terminal's master: e.g. to hand to a manager over an OCI console socket
    /// (<see cref="Oci.ConsoleSocket.Send"/>). Owned by this object; it stays valid until the container is disposed.
    /// </summary>
    public SafeFileHandle Handle { get; }

    /// <summary>
    /// Reads the container's output and writes its input (unbuffered). A read returns 0 once every process of the
    /// container has closed the terminal. Disposing the stream leaves <see cref="Handle"/> open.
    /// </summary>
    public Stream Stream => _stream;

    /// <summary>Sets the window size the container sees (<c>TIOCSWINSZ</c>; its foreground process group gets SIGWINCH).</summary>
    /// <exception cref="SyscallException">The ioctl failed.</exception>
    public void Resize(ushort columns, ushort rows)
    {
        var size = new WinSize { Rows = rows, Columns = columns };
        Ioctl(TIOCSWINSZ, ref size, "TIOCSWINSZ");
    }

    /// <summary>The current window size (<c>TIOCGWINSZ</c>).</summary>
    /// <exception cref="SyscallException">The ioctl failed.</exception>
    public (ushort Columns, ushort Rows) GetSize()
    {
        var size = default(WinSize);
        Ioctl(TIOCGWINSZ, ref size, "TIOCGWINSZ");
        return (size.Columns, size.Rows);
    }

    private unsafe void Ioctl(ulong request, ref WinSize size, string name)
    {
        ObjectDisposedException.ThrowIf(Handle.IsClosed, this);
        var added = false;
        try
        {
            Handle.DangerousAddRef(ref added);
            fixed (WinSize* p = &size)
                if (Libc.Ioctl((int)Handle.DangerousGetHandle(), request, (nint)p) < 0)
                    throw SyscallException.FromLastError($"ioctl({name})", "terminal master");
        }
        finally
        {
            if (added)
                Handle.DangerousRelease();
        }
    }

    /// <summary>Closes the stream and the master.</summary>
    public void Dispose()
    {
        _stream.Dispose();
        Handle.Dispose();
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct WinSize
    {
        public ushort Rows, Columns, XPixels, YPixels;
    }
}
