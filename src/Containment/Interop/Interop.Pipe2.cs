using System.Runtime.InteropServices;

namespace Containment.Interop;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "pipe2", SetLastError = true)]
    public static unsafe partial int Pipe2(int* fds, int flags);
}
