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

    /// <summary>Whether two descriptors name the same inode (same device too); false when either cannot be read.</summary>
    public static unsafe bool SameInode(int a, int b)
    {
        var x = stackalloc byte[StatxSize];
        var y = stackalloc byte[StatxSize];
        const int dev = 136; // stx_dev_major, then stx_dev_minor: both in one 8-byte compare
        return Statx(a, "", AT_EMPTY_PATH, STATX_INO, x) == 0 && Statx(b, "", AT_EMPTY_PATH, STATX_INO, y) == 0
            && *(ulong*)(x + StatxInoOffset) == *(ulong*)(y + StatxInoOffset) && *(ulong*)(x + dev) == *(ulong*)(y + dev);
    }

    [LibraryImport(Name, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static unsafe partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);
}
