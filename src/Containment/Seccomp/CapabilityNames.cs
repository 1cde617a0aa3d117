namespace Containment.Seccomp;

/// <summary>Capability names (include/uapi/linux/capability.h), for conditional rules.</summary>
internal static class CapabilityNames
{
    public static readonly string[] ByNumber =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN",
        "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
        "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
        "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
        "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
        "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    ];

    private static readonly HashSet<string> Known = new(ByNumber, StringComparer.Ordinal);

    /// <summary><c>sys_admin</c>, <c>SYS_ADMIN</c> and <c>CAP_SYS_ADMIN</c> all become <c>CAP_SYS_ADMIN</c>.</summary>
    public static string Canonical(string name)
    {
        var upper = name.Trim().ToUpperInvariant();
        return upper.StartsWith("CAP_", StringComparison.Ordinal) ? upper : "CAP_" + upper;
    }

    public static bool IsKnown(string name) => Known.Contains(Canonical(name));

    public static IReadOnlySet<string> Normalize(IEnumerable<string> names) =>
        names.Select(Canonical).ToHashSet(StringComparer.Ordinal);

    /// <summary>The names of the capabilities set in a mask (bit N = capability N).</summary>
    public static IReadOnlySet<string> FromMask(ulong mask)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        for (var bit = 0; bit < ByNumber.Length; bit++)
            if ((mask & (1UL << bit)) != 0)
                set.Add(ByNumber[bit]);
        return set;
    }
}
