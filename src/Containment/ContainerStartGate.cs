using System.Runtime.InteropServices;
using Containment.Interop;
using Microsoft.Win32.SafeHandles;

namespace Containment;

/// <summary>
/// The FIFO through which a created container is started (the OCI <c>create</c>/<c>start</c> split): the
/// container's first process waits, set up, until another process opens the FIFO to read.
/// </summary>
internal static class ContainerStartGate
{
    /// <summary>
    /// Creates the FIFO at <paramref name="path"/>, mode 0622 whatever the umask: the container's process may
    /// already be a non-root user when it opens the FIFO to write (as runc's exec FIFO); only the owner reads it.
    /// Keep it in a directory only the caller can reach.
    /// </summary>
    public static void Create(string path)
    {
        if (Libc.Mkfifo(path, 0x192) < 0)
            throw SyscallException.FromLastError("mkfifo", path);
        if (OperatingSystem.IsLinux())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite);
    }

    /// <summary>
    /// Opens the gate: the waiting process execs. Fails if the process <paramref name="pid"/> dies before it
    /// takes the signal. The FIFO is removed once used.
    /// </summary>
    public static Task OpenAsync(string path, int pid, CancellationToken cancellationToken = default) =>
        OpenAsync(path, () => Directory.Exists($"/proc/{pid}"), $"the container's process {pid} exited before it was started", cancellationToken);

    /// <summary>
    /// The gate's loop, with the liveness probe as a seam. The probe runs before each read, never after: the process
    /// writes its byte and execs, and a short-lived program can be gone (reaped) an instant later, so "no byte yet,
    /// and now the process is gone" is no proof it died unstarted; "gone, and still no byte after that" is.
    /// </summary>
    internal static async Task OpenAsync(string path, Func<bool> isAlive, string diedMessage, CancellationToken cancellationToken)
    {
        var fd = Libc.Open(path, Libc.O_RDONLY | Libc.O_NONBLOCK | Libc.O_CLOEXEC, 0);
        if (fd < 0)
            throw SyscallException.FromLastError("open", path);
        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        var buffer = new byte[1];
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var alive = isAlive();
            if (Read(fd, buffer) == 1)
                break;
            if (!alive)
                throw new ContainmentException(diedMessage);
            // Woken by the byte itself (or the writer's end closing), not a timer; the timeout bounds how late a
            // cancellation or a dead process is noticed.
            await Task.Run(() => WaitReadable(fd, 50), cancellationToken).ConfigureAwait(false);
        }
        File.Delete(path);
    }

    private static unsafe void WaitReadable(int fd, int timeoutMs)
    {
        var p = new Libc.PollFd { Fd = fd, Events = Libc.POLLIN };
        Libc.Poll(&p, 1, timeoutMs);
    }

    private static unsafe int Read(int fd, byte[] buffer)
    {
        fixed (byte* p = buffer)
        {
            var n = Libc.Read(fd, p, 1);
            if (n < 0 && Marshal.GetLastPInvokeError() is not (Errno.EAGAIN or Errno.EINTR))
                throw SyscallException.FromLastError("read", "start fifo");
            return (int)n;
        }
    }
}
