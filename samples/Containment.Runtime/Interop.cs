using System.Runtime.InteropServices;

namespace Containment.Runtime;

internal static partial class Interop
{
    private const int WNOHANG = 1, PR_SET_CHILD_SUBREAPER = 36;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    private static unsafe partial int WaitPid(int pid, int* status, int options);

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
