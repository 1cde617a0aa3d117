using System.Runtime.InteropServices;

namespace Containment.Interop;

internal static partial class Libc
{
    /// <summary>NS_GET_NSTYPE: the CLONE_NEW* type of a namespace fd.</summary>
    public const ulong NS_GET_NSTYPE = 0xb703;

    [LibraryImport(Name, EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, ulong request, nint arg);
}
