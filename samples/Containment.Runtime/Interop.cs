using System.Runtime.InteropServices;

namespace Containment.Runtime;

internal static partial class Interop
{
    private const int WNOHANG = 1, PR_SET_CHILD_SUBREAPER = 36;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    private static unsafe partial int WaitPid(int pid, int* status, int options);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, long a1, long a2);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static unsafe partial int Poll(PollFd* fds, nuint count, int timeout);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int command, int arg);

    /// <summary>Whether <paramref name="fd"/> is an open descriptor of this process.</summary>
    public static bool IsOpen(int fd) => Fcntl(fd, 1 /* F_GETFD */, 0) >= 0;

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    private const long SYS_pidfd_open = 434;
    private const short POLLIN = 1;

    /// <summary>
    /// Blocks until <paramref name="pid"/> exits (a pidfd turns readable then), or up to <paramref name="timeoutMs"/>;
    /// false when the pid cannot be watched (already gone).
    /// </summary>
    public static unsafe bool WaitUntilExited(int pid, int timeoutMs)
    {
        var fd = (int)Syscall(SYS_pidfd_open, pid, 0);
        if (fd < 0)
            return false;
        try
        {
            var p = new PollFd { Fd = fd, Events = POLLIN };
            Poll(&p, 1, timeoutMs);
            return true;
        }
        finally
        {
            Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    private static partial int Prctl(int option, nuint a2, nuint a3, nuint a4, nuint a5);

    /// <summary>The wait status of a child that has exited, or null while it runs (or is not our child).</summary>
    public static unsafe int? WaitPid(int pid)
    {
        int status;
        return WaitPid(pid, &status, WNOHANG) == pid ? status : null;
    }

    /// <summary>Orphaned descendants (a container's init, once its monitor leaves) become our children.</summary>
    public static void BecomeSubreaper()
    {
        if (Prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
            throw new CliException($"prctl(PR_SET_CHILD_SUBREAPER): errno {Marshal.GetLastPInvokeError()}");
    }
}
