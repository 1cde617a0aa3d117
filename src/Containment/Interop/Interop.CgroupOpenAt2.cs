using System.Runtime.InteropServices;

namespace Containment.Interop;

internal static partial class Libc
{
    public const long SYS_openat2 = 437;
    public const ulong RESOLVE_NO_XDEV = 0x01, RESOLVE_NO_MAGICLINKS = 0x02, RESOLVE_NO_SYMLINKS = 0x04,
        RESOLVE_BENEATH = 0x08, RESOLVE_IN_ROOT = 0x10;

    /// <summary><c>struct open_how</c> for openat2(2).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct OpenHow
    {
        public ulong Flags;
        public ulong Mode;
        public ulong Resolve;
    }

    /// <summary>openat2(2) through syscall(2): the C library does not wrap it everywhere.</summary>
    public static unsafe int OpenAt2(int dirfd, string path, in OpenHow how)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes)
        fixed (OpenHow* h = &how)
            return (int)Syscall(SYS_openat2, dirfd, (long)p, (long)h, sizeof(OpenHow));
    }
}
