using System.Diagnostics.CodeAnalysis;

namespace Containment.Capabilities;

/// <summary>The OCI names of capabilities (<c>CAP_NET_RAW</c>), and parsing them.</summary>
public static class CapabilityNames
{
    private static readonly string[] Names =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
        "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
        "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
        "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
        "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
        "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
        "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    ];

    /// <summary>The highest capability this library knows: <see cref="Capability.CheckpointRestore"/>.</summary>
    public const Capability Last = Capability.CheckpointRestore;

    /// <summary>The OCI name, e.g. <c>CAP_NET_RAW</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a known capability.</exception>
    public static string Name(Capability capability) =>
        (uint)capability < (uint)Names.Length ? Names[(int)capability] : throw new ArgumentOutOfRangeException(nameof(capability), capability, "not a known capability");

    /// <summary>
    /// Parses an OCI name (<c>CAP_NET_RAW</c>); case is ignored and the <c>CAP_</c> prefix is optional
    /// (<c>net_raw</c>, as <c>docker --cap-add</c> takes it).
    /// </summary>
    public static bool TryParse(string name, [NotNullWhen(true)] out Capability? capability)
    {
        capability = null;
        if (string.IsNullOrEmpty(name))
            return false;
        // A scan of 41 names: a process's first start parses a few, and a frozen dictionary would cost it far more to build.
        var bare = name.StartsWith("CAP_", StringComparison.OrdinalIgnoreCase) ? name.AsSpan(4) : name.AsSpan();
        for (var i = 0; i < Names.Length; i++)
        {
            if (Names[i].AsSpan(4).Equals(bare, StringComparison.OrdinalIgnoreCase))
            {
                capability = (Capability)i;
                return true;
            }
        }
        return false;
    }

    /// <summary>Parses a list of names into a set.</summary>
    /// <exception cref="ContainerSpecException">Some names are not capabilities; each is listed, with <paramref name="field"/>.</exception>
    public static CapabilitySet ParseSet(IEnumerable<string> names, string field = "capabilities")
    {
        var set = CapabilitySet.Empty;
        var errors = new List<SpecError>();
        foreach (var name in names)
        {
            if (TryParse(name, out var c))
                set = set.Add(c.Value);
            else
                errors.Add(new SpecError(field, $"'{name}' is not a capability"));
        }
        if (errors.Count > 0)
            throw new ContainerSpecException(errors);
        return set;
    }
}
