using System.Runtime.InteropServices;

namespace Containment.Interop;

internal static partial class Libc
{
    /// <summary>NS_GET_NSTYPE: the CLONE_NEW* type of a namespace fd.</summary>
    public const ulong NS_GET_NSTYPE = 0xb703;

    /// <summary>NS_GET_PARENT: a new fd of a user (or pid) namespace's parent.</summary>
    public const ulong NS_GET_PARENT = 0xb702;

    [LibraryImport(Name, EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, ulong request, nint arg);
}
