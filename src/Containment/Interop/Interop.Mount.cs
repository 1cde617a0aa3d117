using System.Runtime.InteropServices;

namespace Containment.Interop;

internal static partial class Libc
{
    public const int MNT_DETACH = 2;

    /// <summary>mount(2) in this process's mount namespace (restore's bind of the rootfs for CRIU; everything else mounts in the executor).</summary>
    [LibraryImport(Name, EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Mount(string source, string target, string? type, ulong flags, string? data);

    [LibraryImport(Name, EntryPoint = "umount2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Umount2(string target, int flags);
}
