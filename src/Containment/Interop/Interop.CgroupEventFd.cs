using System.Runtime.InteropServices;

namespace Containment.Interop;

internal static partial class Libc
{
    public const int EFD_CLOEXEC = 0x80000, EFD_NONBLOCK = 0x800;

    [LibraryImport(Name, EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initial, int flags);
}
