using System.Runtime.InteropServices;

namespace Containment.Interop;

internal static partial class Libc
{
    /// <summary>Syscall numbers the C library does not wrap everywhere (same on x86_64 and aarch64).</summary>
    public const long SYS_pidfd_send_signal = 424, SYS_pidfd_open = 434;

    [LibraryImport(Name, EntryPoint = "syscall", SetLastError = true)]
    public static partial long Syscall(long number, long a1, long a2, long a3, long a4);
}
