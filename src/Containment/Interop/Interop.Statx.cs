using System.Runtime.InteropServices;

namespace Containment.Interop;

internal static partial class Libc
{
    public const int AT_FDCWD = -100, AT_EMPTY_PATH = 0x1000, AT_SYMLINK_NOFOLLOW = 0x100;
    public const uint STATX_NLINK = 0x4, STATX_INO = 0x100;

    /// <summary>The size of <c>struct statx</c>; its layout is the same on every architecture.</summary>
    public const int StatxSize = 256;

    /// <summary>Offsets in <c>struct statx</c>.</summary>
    public const int StatxNlinkOffset = 16, StatxInoOffset = 32, StatxDevMajorOffset = 136;

    [LibraryImport(Name, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static unsafe partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);
}
