using System.Runtime.InteropServices;

namespace Containment.Interop;

internal static partial class Libc
{
    public const int LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8;

    [LibraryImport(Name, EntryPoint = "flock", SetLastError = true)]
    public static partial int Flock(int fd, int operation);
}
