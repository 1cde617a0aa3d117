namespace Containment.Launch;

/// <summary>The executor's operations. Mirrors src/native/executor/protocol.h: change both together.</summary>
internal enum PlanOp : uint
{
    SetNs = 1,
    Clone = 2,
    WritePid = 3,
    WriteChildProc = 4,
    Release = 5,
    OrphanRmdir = 6,
    WaitRelease = 20,
    Mount = 21,
    Mknod = 22,
    Symlink = 23,
    OpenRoot = 24,
    PivotRoot = 25,
    SetHostname = 26,
    SetDomainname = 27,
    LinkUp = 28,
    Chdir = 29,
    SetRlimit = 31,
    Prctl = 32,
    MountSetattr = 33,
    Unshare = 34,
    Sync = 35,
    FdLayout = 36,
    CloseFds = 37,
    SetGroups = 38,
    SetResGid = 39,
    SetResUid = 40,
    Umask = 41,
    Caps = 42,
    Seccomp = 43,
    Exec = 44,
    // 45: unused (was Umount, never emitted); not reused.
    MountFs = 46,
    Bind = 47,
    OpenNull = 48,
    MaskPath = 49,
    ReadonlyPath = 50,
    HostSync = 60,
    CapsBounding = 61,
    WriteProc = 62,
    Personality = 63,
    SessionKeyring = 65,
    IdmapTree = 64,
    Ready = 70,
    WaitFifo = 71,
    Terminal = 72,
    Setsid = 100,
    RootTmpfs = 130,
    BindHost = 131,
    Init = 132,
    /// <summary>u32 count, i32 fd_index[count]: the child's first step writes "0" (itself) to each v1 <c>tasks</c> file.</summary>
    CgroupJoinSelf = 141,
    /// <summary>str attr, str fallback (empty: none), str content: write the content to /proc/PID/attr/ATTR (or the
    /// fallback when ATTR does not exist) through a verified procfs (lsm.c).</summary>
    LsmExecLabel = 120,
    /// <summary>u32 resource, u64 hard: the monitor raises the child's hard limit (prlimit) where it is lower (rlimits.c).</summary>
    RaiseChildRlimit = 121,
    LockMounts = 110,
    OpenSource = 111,
    RootPath = 112,
    BindSource = 113,
    /// <summary>Landlock (landlock.c): u64 handled fs, u64 handled net; str path, u64 access; u64 port, u64 access; restrict.</summary>
    LandlockRuleset = 150,
    LandlockPath = 151,
    LandlockPort = 152,
    LandlockRestrict = 153,
    TestResolveWalk = 98,
    TestFail = 99,
}

/// <summary>How OP_MOUNT finds its target: a host path, or a path resolved beneath the container's root.</summary>
internal enum MountTarget : uint
{
    Host = 0,
    InRoot = 1,
}

/// <summary>What OP_MOUNT creates when its target is missing.</summary>
internal enum CreateTarget : uint
{
    None = 0,
    Directory = 1,
    File = 2,
}

/// <summary>Target flags of OP_MOUNT_FS and OP_BIND: a <see cref="CreateTarget"/> in the low bits, plus these.</summary>
internal static class TargetFlags
{
    /// <summary>Any symlink on the way to the target is refused (RESOLVE_NO_SYMLINKS): for /proc and /sys.</summary>
    public const uint NoSymlinks = 4;

    /// <summary>OP_MOUNT_FS: the target's content is copied into the new filesystem before it is attached (tmpcopyup).</summary>
    public const uint CopyUp = 8;

    /// <summary>With <see cref="CopyUp"/>: char and block nodes are copied too (only under a device allow list).</summary>
    public const uint CopyUpDevices = 16;

    /// <summary>OP_MOUNT_FS: the new filesystem's root takes the mode of the directory it covers, when that exists.</summary>
    public const uint InheritMode = 32;

    /// <summary>OP_MOUNT_FS: ... and its owner.</summary>
    public const uint InheritOwner = 64;
}
