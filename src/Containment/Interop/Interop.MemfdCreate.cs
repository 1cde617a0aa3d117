using System.Runtime.InteropServices;

namespace Containment.Interop;

internal static partial class Libc
{
    public const uint MFD_CLOEXEC = 1, MFD_ALLOW_SEALING = 2;

    [LibraryImport(Name, EntryPoint = "memfd_create", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int MemfdCreate(string name, uint flags);
}
