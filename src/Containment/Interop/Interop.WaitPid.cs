using System.Runtime.InteropServices;

namespace Containment.Interop;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "waitpid", SetLastError = true)]
    public static unsafe partial int WaitPid(int pid, int* status, int options);
}
