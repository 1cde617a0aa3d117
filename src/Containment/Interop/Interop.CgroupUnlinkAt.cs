using System.Runtime.InteropServices;

namespace Containment.Interop;

internal static partial class Libc
{
    public const int AT_REMOVEDIR = 0x200;

    [LibraryImport(Name, EntryPoint = "unlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int UnlinkAt(int dirfd, string path, int flags);
}
