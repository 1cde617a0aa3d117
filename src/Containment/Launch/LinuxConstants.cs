namespace Containment.Launch;

/// <summary>Kernel constants the plan compiler writes into plans.</summary>
internal static class LinuxConstants
{
    public const ulong MS_RDONLY = 1, MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8, MS_REMOUNT = 32, MS_NOATIME = 1024,
        MS_BIND = 4096, MS_MOVE = 8192, MS_REC = 16384, MS_PRIVATE = 1 << 18, MS_SLAVE = 1 << 19,
        MS_RELATIME = 1 << 21, MS_STRICTATIME = 1 << 24;

    public const ulong MOUNT_ATTR_RDONLY = 1, MOUNT_ATTR_NODEV = 4;
    public const uint AT_RECURSIVE = 0x8000, MNT_DETACH = 2;

    public const uint S_IFCHR = 0x2000, S_IFBLK = 0x6000, S_IFIFO = 0x1000;

    public const uint PR_SET_PDEATHSIG = 1, PR_SET_DUMPABLE = 4;
    public const int SIGKILL = 9;

    /// <summary>glibc's makedev.</summary>
    public static ulong MakeDev(uint major, uint minor) =>
        ((ulong)(major & 0xfffff000) << 32) | ((ulong)(major & 0xfff) << 8) |
        ((ulong)(minor & 0xffffff00) << 12) | (minor & 0xff);
}
