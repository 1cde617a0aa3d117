using System.Runtime.InteropServices;

namespace Containment.Interop;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "write", SetLastError = true)]
    public static unsafe partial nint Write(int fd, byte* buffer, nuint count);
}
