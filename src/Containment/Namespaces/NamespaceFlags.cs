namespace Containment.Namespaces;

/// <summary>The kernel's CLONE_NEW* values and the /proc/PID/ns file names for each kind.</summary>
internal static class NamespaceFlags
{
    public const ulong CLONE_NEWTIME = 0x80, CLONE_NEWNS = 0x20000, CLONE_NEWCGROUP = 0x2000000,
        CLONE_NEWUTS = 0x4000000, CLONE_NEWIPC = 0x8000000, CLONE_NEWUSER = 0x10000000,
        CLONE_NEWPID = 0x20000000, CLONE_NEWNET = 0x40000000;

    public static ulong CloneFlag(NamespaceKind kind) => kind switch
    {
        NamespaceKind.Mount => CLONE_NEWNS,
        NamespaceKind.Uts => CLONE_NEWUTS,
        NamespaceKind.Ipc => CLONE_NEWIPC,
        NamespaceKind.Pid => CLONE_NEWPID,
        NamespaceKind.Network => CLONE_NEWNET,
        NamespaceKind.Cgroup => CLONE_NEWCGROUP,
        NamespaceKind.Time => CLONE_NEWTIME,
        NamespaceKind.User => CLONE_NEWUSER,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static NamespaceKind? FromCloneFlag(ulong flag)
    {
        foreach (var kind in Enum.GetValues<NamespaceKind>())
            if (CloneFlag(kind) == flag)
                return kind;
        return null;
    }

    /// <summary>The name of the namespace's file under /proc/PID/ns.</summary>
    public static string ProcName(NamespaceKind kind) => kind switch
    {
        NamespaceKind.Mount => "mnt",
        NamespaceKind.Network => "net",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
