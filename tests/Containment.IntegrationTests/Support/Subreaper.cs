using System.Runtime.InteropServices;

namespace Containment.IntegrationTests.Support;

/// <summary>
/// Makes this process the child subreaper while it lives: whatever a killed host leaves behind (its executor, a
/// container) is re-parented here instead of to init, so it can be found, waited for and reaped.
/// </summary>
public sealed partial class Subreaper : IDisposable
{
    private const int PR_SET_CHILD_SUBREAPER = 36;
    private const int WNOHANG = 1;

    public Subreaper()
    {
        if (Prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
            Assert.Fail($"prctl(PR_SET_CHILD_SUBREAPER): errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>
    /// Children not in <paramref name="known"/> that are still running; those that have exited (zombies) are reaped.
    /// </summary>
    public static IReadOnlyList<int> LiveAdopted(IReadOnlyCollection<int> known)
    {
        ReapZombies(known);
        return HostSnapshot.ChildPids().Where(p => !known.Contains(p) && ProcScan.State(p) is not ('Z' or null)).ToList();
    }

    /// <summary>
    /// Reaps exited children, except <paramref name="known"/>: those the test started itself, whose status is .NET's to
    /// collect. A shim does this all the time; a zombie left in a cgroup would keep it from being removed.
    /// </summary>
    public static void ReapZombies(IReadOnlyCollection<int> known)
    {
        foreach (var pid in HostSnapshot.ChildPids().Where(p => !known.Contains(p) && ProcScan.State(p) is 'Z'))
            _ = WaitPid(pid, IntPtr.Zero, WNOHANG);
    }

    public void Dispose() => _ = Prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);

    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    private static partial int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    private static partial int WaitPid(int pid, IntPtr status, int options);
}
