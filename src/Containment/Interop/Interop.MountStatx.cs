namespace Containment.Interop;

internal static partial class Libc
{
    public const uint STATX_TYPE = 0x1, STATX_MODE = 0x2;
    public const int StatxModeOffset = 28, StatxRdevMajorOffset = 128, StatxRdevMinorOffset = 132;
    public const uint S_IFMT = 0xf000, S_IFDIR = 0x4000, S_IFCHR = 0x2000, S_IFBLK = 0x6000, S_IFIFO = 0x1000;

    /// <summary>The file type bits and device numbers of an open descriptor, or null with errno set.</summary>
    public static unsafe (uint Mode, uint Major, uint Minor)? FStatType(int fd)
    {
        var buffer = stackalloc byte[StatxSize];
        if (Statx(fd, "", AT_EMPTY_PATH, STATX_TYPE | STATX_MODE, buffer) < 0)
            return null;
        return (*(ushort*)(buffer + StatxModeOffset), *(uint*)(buffer + StatxRdevMajorOffset), *(uint*)(buffer + StatxRdevMinorOffset));
    }
}
