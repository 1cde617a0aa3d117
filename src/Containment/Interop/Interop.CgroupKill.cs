using System.Runtime.InteropServices;

namespace Containment.Interop;

internal static partial class Libc
{
    public const int SIGKILL = 9;

    [LibraryImport(Name, EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);
}
