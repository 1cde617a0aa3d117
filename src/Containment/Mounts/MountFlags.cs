namespace Containment.Mounts;

/// <summary>Mount options as flags, for the typed builder methods. Each maps to one OCI option string.</summary>
[Flags]
public enum MountFlags
{
    /// <summary>No option.</summary>
    None = 0,
    /// <summary><c>ro</c>: the mount (for a bind, its top mount only) is read-only.</summary>
    ReadOnly = 1 << 0,
    /// <summary><c>nosuid</c>: set-user-id and set-group-id bits and file capabilities are ignored.</summary>
    NoSuid = 1 << 1,
    /// <summary><c>nodev</c>: device files cannot be opened.</summary>
    NoDev = 1 << 2,
    /// <summary><c>noexec</c>: nothing can be executed.</summary>
    NoExec = 1 << 3,
    /// <summary><c>noatime</c>: access times are never updated.</summary>
    NoAtime = 1 << 4,
    /// <summary><c>relatime</c>: access times are updated relative to modification times.</summary>
    RelAtime = 1 << 5,
    /// <summary><c>strictatime</c>: access times are always updated.</summary>
    StrictAtime = 1 << 6,
    /// <summary><c>nodiratime</c>: directory access times are never updated.</summary>
    NoDirAtime = 1 << 7,
    /// <summary><c>nosymfollow</c>: symbolic links are not followed when resolving paths through it.</summary>
    NoSymFollow = 1 << 8,
    /// <summary><c>rro</c>: the mount and every mount beneath it are read-only (mount_setattr, AT_RECURSIVE).</summary>
    RecursiveReadOnly = 1 << 9,
    /// <summary><c>rnosuid</c>: <see cref="NoSuid"/> for every mount beneath as well.</summary>
    RecursiveNoSuid = 1 << 10,
    /// <summary><c>rnodev</c>: <see cref="NoDev"/> for every mount beneath as well.</summary>
    RecursiveNoDev = 1 << 11,
    /// <summary><c>rnoexec</c>: <see cref="NoExec"/> for every mount beneath as well.</summary>
    RecursiveNoExec = 1 << 12,
}
