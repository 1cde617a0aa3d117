namespace Containment.Mounts;

/// <summary>
/// What a mount's option strings mean, parsed one to one as runc does: mount flags to set or clear, attributes
/// applied recursively (<c>rro</c>...), the propagation, whether it is a (recursive) bind, and the rest as
/// filesystem data.
/// </summary>
internal sealed record MountOptions
{
    // MOUNT_ATTR_* (linux/mount.h): what mount_setattr and fsmount take.
    public const ulong ATTR_RDONLY = 0x1, ATTR_NOSUID = 0x2, ATTR_NODEV = 0x4, ATTR_NOEXEC = 0x8,
        ATTR_ATIME_MASK = 0x70, ATTR_RELATIME = 0x0, ATTR_NOATIME = 0x10, ATTR_STRICTATIME = 0x20,
        ATTR_NODIRATIME = 0x80, ATTR_NOSYMFOLLOW = 0x200000;

    // MS_* propagation values (mount_setattr's propagation field).
    public const ulong MS_UNBINDABLE = 1 << 17, MS_PRIVATE = 1 << 18, MS_SLAVE = 1 << 19, MS_SHARED = 1 << 20;

    public bool Bind { get; init; }
    public bool Recursive { get; init; }
    /// <summary>Id-map the bind with the container's user namespace (<c>idmap</c>; <c>ridmap</c> for every mount beneath too).</summary>
    public bool Idmap { get; init; }
    public bool IdmapRecursive { get; init; }
    /// <summary><c>tmpcopyup</c>: what the image has at the destination is copied into the new tmpfs.</summary>
    public bool CopyUp { get; init; }
    /// <summary><c>src-symlinks</c>: a bind source reached through symlinks is accepted (resolved once by the host).</summary>
    public bool SourceSymlinks { get; init; }
    /// <summary>Attributes set on the mount (for a bind, its top mount).</summary>
    public ulong Set { get; init; }
    /// <summary>Attributes cleared on the mount.</summary>
    public ulong Clear { get; init; }
    /// <summary>Attributes set on the mount and every mount beneath it.</summary>
    public ulong RecursiveSet { get; init; }
    /// <summary>Attributes cleared on the mount and every mount beneath it.</summary>
    public ulong RecursiveClear { get; init; }
    public MountPropagation Propagation { get; init; }
    /// <summary>Options for the filesystem itself (<c>mode=755</c>, <c>size=64k</c>, <c>sync</c>...).</summary>
    public IReadOnlyList<string> Data { get; init; } = [];
    /// <summary>Options that cannot be honoured, each with the reason.</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];

    private static readonly Dictionary<string, (ulong Set, ulong Clear)> Flags = new()
    {
        ["ro"] = (ATTR_RDONLY, 0), ["rw"] = (0, ATTR_RDONLY),
        ["nosuid"] = (ATTR_NOSUID, 0), ["suid"] = (0, ATTR_NOSUID),
        ["nodev"] = (ATTR_NODEV, 0), ["dev"] = (0, ATTR_NODEV),
        ["noexec"] = (ATTR_NOEXEC, 0), ["exec"] = (0, ATTR_NOEXEC),
        ["nodiratime"] = (ATTR_NODIRATIME, 0), ["diratime"] = (0, ATTR_NODIRATIME),
        ["nosymfollow"] = (ATTR_NOSYMFOLLOW, 0), ["symfollow"] = (0, ATTR_NOSYMFOLLOW),
        ["noatime"] = (ATTR_NOATIME, ATTR_ATIME_MASK), ["relatime"] = (ATTR_RELATIME, ATTR_ATIME_MASK),
        ["strictatime"] = (ATTR_STRICTATIME, ATTR_ATIME_MASK),
        ["atime"] = (ATTR_RELATIME, ATTR_ATIME_MASK), ["norelatime"] = (ATTR_STRICTATIME, ATTR_ATIME_MASK),
        ["nostrictatime"] = (ATTR_RELATIME, ATTR_ATIME_MASK),
    };

    private static readonly Dictionary<string, MountPropagation> Propagations = new()
    {
        ["private"] = MountPropagation.Private, ["rprivate"] = MountPropagation.RPrivate,
        ["slave"] = MountPropagation.Slave, ["rslave"] = MountPropagation.RSlave,
        ["shared"] = MountPropagation.Shared, ["rshared"] = MountPropagation.RShared,
        ["unbindable"] = MountPropagation.Unbindable, ["runbindable"] = MountPropagation.RUnbindable,
    };

    /// <summary>Superblock flags: the filesystem's own options, passed to it by these names (fsconfig).</summary>
    private static readonly Dictionary<string, string> SuperblockFlags = new()
    {
        ["sync"] = "sync", ["async"] = "async", ["dirsync"] = "dirsync", ["mand"] = "mand", ["nomand"] = "nomand",
        ["lazytime"] = "lazytime", ["nolazytime"] = "nolazytime", ["acl"] = "posixacl", ["noacl"] = "noposixacl",
    };

    private static readonly Dictionary<string, string> Unsupported = new()
    {
        ["remount"] = "remounting an existing mount is not supported",
    };

    /// <summary>Every option name this parser gives a meaning to (the rest pass to the filesystem as data).</summary>
    public static IEnumerable<string> KnownNames =>
        new[] { "bind", "rbind", "idmap", "ridmap", "defaults", "tmpcopyup", "notmpcopyup", "src-symlinks" }
            .Concat(Flags.Keys).Concat(Flags.Keys.Select(f => "r" + f)).Concat(Propagations.Keys).Concat(SuperblockFlags.Keys)
            .Order(StringComparer.Ordinal);

    /// <summary>Parses a mount's options, in order; the last of two contradicting options wins.</summary>
    public static MountOptions Parse(IEnumerable<string> options)
    {
        bool bind = false, recursive = false, idmap = false, idmapRecursive = false, copyUp = false, sourceSymlinks = false;
        ulong set = 0, clear = 0, rset = 0, rclear = 0;
        var propagation = MountPropagation.Default;
        var data = new List<string>();
        var errors = new List<string>();
        foreach (var option in options)
        {
            if (option is "bind" or "rbind")
            {
                bind = true;
                recursive |= option == "rbind";
            }
            else if (option is "idmap" or "ridmap")
            {
                idmap = true;
                idmapRecursive |= option == "ridmap";
            }
            else if (option == "defaults")
            {
            }
            else if (option is "tmpcopyup" or "notmpcopyup")
                copyUp = option == "tmpcopyup";
            else if (option == "src-symlinks")
                sourceSymlinks = true;
            else if (Flags.TryGetValue(option, out var f))
            {
                set = (set & ~f.Clear) | f.Set;
                clear = (clear | f.Clear) & ~f.Set;
                if (f.Clear == ATTR_ATIME_MASK)
                    clear |= ATTR_ATIME_MASK;
            }
            else if (option.Length > 1 && option[0] == 'r' && Flags.TryGetValue(option[1..], out var rf))
            {
                rset = (rset & ~rf.Clear) | rf.Set;
                rclear = (rclear | rf.Clear) & ~rf.Set;
                if (rf.Clear == ATTR_ATIME_MASK)
                    rclear |= ATTR_ATIME_MASK;
            }
            else if (Propagations.TryGetValue(option, out var p))
                propagation = p;
            else if (SuperblockFlags.TryGetValue(option, out var sb))
                data.Add(sb);
            else if (Unsupported.TryGetValue(option, out var why))
                errors.Add($"option '{option}': {why}");
            else if (option.Length == 0 || option.Contains('\0') || option.Contains(','))
                errors.Add($"option '{option}' is empty or contains a comma or NUL");
            else
                data.Add(option);
        }
        return new MountOptions
        {
            Bind = bind, Recursive = recursive, Idmap = idmap, IdmapRecursive = idmapRecursive, CopyUp = copyUp, SourceSymlinks = sourceSymlinks, Set = set, Clear = clear, RecursiveSet = rset, RecursiveClear = rclear,
            Propagation = propagation, Data = data, Errors = errors,
        };
    }

    /// <summary>The MS_* value and whether it applies recursively, for a propagation; null for Default.</summary>
    public static (ulong Value, bool Recursive)? Kernel(MountPropagation propagation) => propagation switch
    {
        MountPropagation.Default => null,
        MountPropagation.Private => (MS_PRIVATE, false),
        MountPropagation.RPrivate => (MS_PRIVATE, true),
        MountPropagation.Slave => (MS_SLAVE, false),
        MountPropagation.RSlave => (MS_SLAVE, true),
        MountPropagation.Shared => (MS_SHARED, false),
        MountPropagation.RShared => (MS_SHARED, true),
        MountPropagation.Unbindable => (MS_UNBINDABLE, false),
        MountPropagation.RUnbindable => (MS_UNBINDABLE, true),
        _ => throw new ArgumentOutOfRangeException(nameof(propagation), propagation, "unknown propagation"),
    };

    /// <summary>The option string of a propagation (<c>rslave</c>).</summary>
    public static string Name(MountPropagation propagation) =>
        Propagations.First(kv => kv.Value == propagation).Key;

    /// <summary>The option strings of flags, in a fixed order.</summary>
    public static IEnumerable<string> Names(MountFlags flags)
    {
        foreach (var (flag, name) in FlagNames)
            if ((flags & flag) != 0)
                yield return name;
    }

    private static readonly (MountFlags Flag, string Name)[] FlagNames =
    [
        (MountFlags.ReadOnly, "ro"), (MountFlags.NoSuid, "nosuid"), (MountFlags.NoDev, "nodev"), (MountFlags.NoExec, "noexec"),
        (MountFlags.NoAtime, "noatime"), (MountFlags.RelAtime, "relatime"), (MountFlags.StrictAtime, "strictatime"),
        (MountFlags.NoDirAtime, "nodiratime"), (MountFlags.NoSymFollow, "nosymfollow"),
        (MountFlags.RecursiveReadOnly, "rro"), (MountFlags.RecursiveNoSuid, "rnosuid"), (MountFlags.RecursiveNoDev, "rnodev"),
        (MountFlags.RecursiveNoExec, "rnoexec"),
    ];
}
