namespace Containment.Preview;

/// <summary>Bit flags of the kernel's interfaces, by name, for a preview.</summary>
internal static class FlagNames
{
    private static readonly (ulong Bit, string Name)[] Clone =
    [
        (0x00020000, "CLONE_NEWNS"), (0x02000000, "CLONE_NEWCGROUP"), (0x04000000, "CLONE_NEWUTS"), (0x08000000, "CLONE_NEWIPC"),
        (0x10000000, "CLONE_NEWUSER"), (0x20000000, "CLONE_NEWPID"), (0x40000000, "CLONE_NEWNET"), (0x00000080, "CLONE_NEWTIME"),
    ];

    private static readonly (ulong Bit, string Name)[] Mount =
    [
        (1, "MS_RDONLY"), (2, "MS_NOSUID"), (4, "MS_NODEV"), (8, "MS_NOEXEC"), (16, "MS_SYNCHRONOUS"), (32, "MS_REMOUNT"),
        (64, "MS_MANDLOCK"), (128, "MS_DIRSYNC"), (256, "MS_NOSYMFOLLOW"), (1024, "MS_NOATIME"), (2048, "MS_NODIRATIME"),
        (4096, "MS_BIND"), (8192, "MS_MOVE"), (16384, "MS_REC"), (32768, "MS_SILENT"), (1 << 17, "MS_UNBINDABLE"),
        (1 << 18, "MS_PRIVATE"), (1 << 19, "MS_SLAVE"), (1 << 20, "MS_SHARED"), (1 << 21, "MS_RELATIME"),
        (1 << 24, "MS_STRICTATIME"), (1 << 25, "MS_LAZYTIME"),
    ];

    private static readonly (ulong Bit, string Name)[] MountAttr =
    [
        (1, "MOUNT_ATTR_RDONLY"), (2, "MOUNT_ATTR_NOSUID"), (4, "MOUNT_ATTR_NODEV"), (8, "MOUNT_ATTR_NOEXEC"),
        (0x10, "MOUNT_ATTR_NOATIME"), (0x20, "MOUNT_ATTR_STRICTATIME"), (0x80, "MOUNT_ATTR_NODIRATIME"),
        (0x100000, "MOUNT_ATTR_IDMAP"), (0x200000, "MOUNT_ATTR_NOSYMFOLLOW"),
    ];

    private static readonly (ulong Bit, string Name)[] LandlockFs =
    [
        (1, "EXECUTE"), (2, "WRITE_FILE"), (4, "READ_FILE"), (8, "READ_DIR"), (16, "REMOVE_DIR"), (32, "REMOVE_FILE"),
        (64, "MAKE_CHAR"), (128, "MAKE_DIR"), (256, "MAKE_REG"), (512, "MAKE_SOCK"), (1024, "MAKE_FIFO"), (2048, "MAKE_BLOCK"),
        (4096, "MAKE_SYM"), (8192, "REFER"), (16384, "TRUNCATE"), (32768, "IOCTL_DEV"),
    ];

    private static readonly (ulong Bit, string Name)[] LandlockNet = [(1, "BIND_TCP"), (2, "CONNECT_TCP")];

    public static string CloneFlags(ulong flags) => Join(flags, Clone);

    public static string MountFlags(ulong flags) => Join(flags, Mount);

    public static string MountAttrs(ulong attrs) => Join(attrs, MountAttr);

    public static string LandlockAccess(ulong access) => Join(access, LandlockFs);

    public static string LandlockNetAccess(ulong access) => Join(access, LandlockNet);

    /// <summary>The names of the set bits, joined by <c>|</c>; a bit with no name as hex; <c>0</c> for none.</summary>
    public static string Join(ulong value, IReadOnlyList<(ulong Bit, string Name)> table)
    {
        var names = new List<string>();
        foreach (var (bit, name) in table)
            if ((value & bit) != 0)
            {
                names.Add(name);
                value &= ~bit;
            }
        if (value != 0)
            names.Add($"0x{value:x}");
        return names.Count == 0 ? "0" : string.Join('|', names);
    }
}
