using System.Runtime.InteropServices;
using Containment.Interop;

namespace Containment.Mounts;

/// <summary>
/// A host path the child opens itself (rootless bind sources, the rootfs directory): its canonical form and the
/// object it named when the host checked it. The child opens the path with no symlink on the way and refuses
/// anything but that device and inode, so nothing a container changes between the check and the mount (or between
/// two starts) redirects it.
/// </summary>
/// <param name="Path">The path with every symlink resolved (what the child opens with RESOLVE_NO_SYMLINKS).</param>
/// <param name="Device">The device: major in the high 32 bits, minor in the low.</param>
/// <param name="Inode">The inode number.</param>
/// <param name="Mode">The file type and mode bits.</param>
/// <param name="RdevMajor">For a device node: its major number.</param>
/// <param name="RdevMinor">For a device node: its minor number.</param>
internal readonly record struct HostPath(string Path, ulong Device, ulong Inode, uint Mode, uint RdevMajor, uint RdevMinor)
{
    private const int StatxDevMajorOffset = 136, StatxDevMinorOffset = 140;

    public bool IsDirectory => (Mode & Libc.S_IFMT) == Libc.S_IFDIR;

    /// <summary>
    /// Opens <paramref name="path"/> and records what it names. Unless <paramref name="allowSymlinks"/>, a path with a
    /// symlink anywhere on the way is refused (a container that can write a parent directory could have planted it).
    /// </summary>
    public static HostPath? Open(string path, bool allowSymlinks, out string? error)
    {
        error = null;
        var full = System.IO.Path.GetFullPath(path);
        var how = new Libc.OpenHow { Flags = Libc.O_PATH | Libc.O_CLOEXEC, Resolve = Libc.RESOLVE_NO_SYMLINKS | Libc.RESOLVE_NO_MAGICLINKS };
        var fd = Libc.OpenAt2(Libc.AT_FDCWD, full, how);
        var errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        if (fd < 0 && errno == Errno.ELOOP && allowSymlinks)
        {
            fd = Libc.Open(full, Libc.O_PATH | Libc.O_CLOEXEC, 0);
            errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        }
        if (fd < 0)
        {
            error = errno == Errno.ELOOP
                ? $"'{path}' is reached through a symlink: a bind source with a symlink on its way is refused (another container may have planted it); give the real path, or add the mount option 'src-symlinks'"
                : $"open({path}): {Errno.Name(errno)}";
            return null;
        }
        using var handle = new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true);
        var stat = Stat(fd);
        if (stat is null)
        {
            error = $"statx({path}): {Errno.Name(Marshal.GetLastPInvokeError())}";
            return null;
        }
        // The canonical path is the one the descriptor was opened at: every symlink resolved, once.
        var canonical = allowSymlinks ? File.ResolveLinkTarget($"/proc/self/fd/{fd}", false)?.ToString() ?? full : full;
        var (device, inode, mode, major, minor) = stat.Value;
        return new HostPath(canonical, device, inode, mode, major, minor);
    }

    private static unsafe (ulong Device, ulong Inode, uint Mode, uint Major, uint Minor)? Stat(int fd)
    {
        var buffer = stackalloc byte[Libc.StatxSize];
        if (Libc.Statx(fd, "", Libc.AT_EMPTY_PATH, Libc.STATX_TYPE | Libc.STATX_MODE | Libc.STATX_INO, buffer) < 0)
            return null;
        var device = ((ulong)*(uint*)(buffer + StatxDevMajorOffset) << 32) | *(uint*)(buffer + StatxDevMinorOffset);
        return (device, *(ulong*)(buffer + Libc.StatxInoOffset), *(ushort*)(buffer + Libc.StatxModeOffset),
            *(uint*)(buffer + Libc.StatxRdevMajorOffset), *(uint*)(buffer + Libc.StatxRdevMinorOffset));
    }
}
