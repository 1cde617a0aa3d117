using System.Runtime.InteropServices;

namespace Containment.Interop;

internal static partial class Libc
{
    public const int F_DUPFD_CLOEXEC = 1030, F_ADD_SEALS = 1033;
    public const int F_SEAL_SEAL = 1, F_SEAL_SHRINK = 2, F_SEAL_GROW = 4, F_SEAL_WRITE = 8;

    [LibraryImport(Name, EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int cmd, int arg);
}
