using System.Runtime.InteropServices;

namespace Containment.Interop;

internal static partial class Libc
{
    public const long CGROUP2_SUPER_MAGIC = 0x63677270, CGROUP_SUPER_MAGIC = 0x27e0eb, TMPFS_MAGIC = 0x01021994;

    [LibraryImport(Name, EntryPoint = "fstatfs", SetLastError = true)]
    private static unsafe partial int FStatFsRaw(int fd, byte* buffer);

    /// <summary>The filesystem magic (<c>f_type</c>, the first field of <c>struct statfs</c>) of an open file, or -1 with errno set.</summary>
    public static unsafe long FStatFsType(int fd)
    {
        byte* buffer = stackalloc byte[256];
        return FStatFsRaw(fd, buffer) == 0 ? *(long*)buffer : -1;
    }
}
