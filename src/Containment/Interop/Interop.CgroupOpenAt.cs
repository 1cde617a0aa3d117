using System.Runtime.InteropServices;

namespace Containment.Interop;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int OpenAt(int dirfd, string path, int flags, int mode);
}
