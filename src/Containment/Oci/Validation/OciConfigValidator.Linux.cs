namespace Containment.Oci;

internal sealed partial class OciConfigValidator
{
    /// <summary>The kernel accepts at most this many lines in uid_map and gid_map.</summary>
    internal const int MaxIdMappings = 340;

    private static readonly HashSet<string> Propagations =
        ["private", "rprivate", "shared", "rshared", "slave", "rslave", "unbindable", "runbindable"];

    private static readonly HashSet<string> IpcSysctls =
    [
        "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall", "kernel.shmmax",
        "kernel.shmmni", "kernel.shm_rmid_forced",
    ];

    private static readonly HashSet<string> MemoryPolicyModes =
    [
        "MPOL_DEFAULT", "MPOL_BIND", "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE", "MPOL_PREFERRED",
        "MPOL_PREFERRED_MANY", "MPOL_LOCAL",
    ];

    private static readonly HashSet<string> MemoryPolicyFlags =
        ["MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES"];

    private void CheckLinux(OciLinux linux)
    {
        CheckNamespaces(linux.Namespaces);
        CheckUserNamespace(linux);
        CheckTimeOffsets(linux.TimeOffsets);
        CheckDevices(linux.Devices);
        CheckNetDevices(linux.NetDevices);
        CheckSysctls(linux.Sysctl);
        if (linux.Resources is { } resources) CheckResources(resources);

        if (!string.IsNullOrEmpty(linux.RootfsPropagation) && !Propagations.Contains(linux.RootfsPropagation))
            Error("linux.rootfsPropagation", $"unknown propagation \"{linux.RootfsPropagation}\"");
        CheckPathList("linux.maskedPaths", linux.MaskedPaths);
        CheckPathList("linux.readonlyPaths", linux.ReadonlyPaths);
        if (linux.CgroupsPath is { } cgroupsPath && cgroupsPath.Contains('\0'))
            Error("linux.cgroupsPath", "must not contain a NUL character");

        if (linux.Personality is { } personality)
        {
            if (personality.Domain is not ("LINUX" or "LINUX32"))
                Error("linux.personality.domain", $"unknown domain \"{personality.Domain}\" (LINUX or LINUX32)");
            if (personality.Flags is { Count: > 0 })
                Error("linux.personality.flags", "no personality flags are defined");
        }

        if (linux.IntelRdt is { } rdt) CheckIntelRdt(rdt);
        if (linux.MemoryPolicy is { } policy) CheckMemoryPolicy(policy);
    }

    private void CheckNamespaces(IReadOnlyList<OciNamespace>? namespaces)
    {
        if (namespaces is null) return;
        var seen = new HashSet<string>();
        for (var i = 0; i < namespaces.Count; i++)
        {
            var field = $"linux.namespaces[{i}]";
            var ns = namespaces[i];
            if (ns is null) { Error(field, "must not be null"); continue; }
            if (!OciNamespaceTypes.All.Contains(ns.Type))
                Error($"{field}.type", $"unknown namespace type \"{ns.Type}\" ({string.Join(", ", OciNamespaceTypes.All)})");
            else if (!seen.Add(ns.Type))
                Error($"{field}.type", $"the {ns.Type} namespace is listed more than once");
            CheckAbsolute($"{field}.path", ns.Path, required: false);
        }
    }

    private void CheckUserNamespace(OciLinux linux)
    {
        var hasUser = HasNamespace(OciNamespaceTypes.User);
        var newUser = HasNewNamespace(OciNamespaceTypes.User);
        foreach (var (field, mappings) in new[] { ("linux.uidMappings", linux.UidMappings), ("linux.gidMappings", linux.GidMappings) })
        {
            if (mappings is { Count: > 0 })
            {
                if (!hasUser) Error(field, "mappings need a user namespace (add {\"type\": \"user\"} to linux.namespaces)");
                CheckMappings(field, mappings);
            }
            else if (newUser)
            {
                Error(field, "a new user namespace needs mappings");
            }
        }
    }

    /// <summary>Sizes above zero, at most 340 lines, and ranges that overlap neither inside nor outside
    /// (the kernel refuses both).</summary>
    private void CheckMappings(string field, IReadOnlyList<OciIdMapping> mappings)
    {
        if (mappings.Count > MaxIdMappings) Error(field, $"at most {MaxIdMappings} mappings are allowed");
        for (var i = 0; i < mappings.Count; i++)
        {
            var m = mappings[i];
            if (m is null) { Error($"{field}[{i}]", "must not be null"); continue; }
            if (m.Size == 0) { Error($"{field}[{i}].size", "must be greater than zero"); continue; }
            if ((ulong)m.ContainerId + m.Size > 1UL << 32 || (ulong)m.HostId + m.Size > 1UL << 32)
                Error($"{field}[{i}].size", "the range goes past the largest id (4294967295)");
            for (var j = 0; j < i; j++)
            {
                var o = mappings[j];
                if (o is null || o.Size == 0) continue;
                if (Overlap(m.ContainerId, m.Size, o.ContainerId, o.Size))
                    Error($"{field}[{i}]", $"container ids {m.ContainerId}+{m.Size} overlap {field}[{j}]");
                if (Overlap(m.HostId, m.Size, o.HostId, o.Size))
                    Error($"{field}[{i}]", $"host ids {m.HostId}+{m.Size} overlap {field}[{j}]");
            }
        }
    }

    private static bool Overlap(uint a, uint aSize, uint b, uint bSize) =>
        (ulong)a < (ulong)b + bSize && (ulong)b < (ulong)a + aSize;

    private void CheckTimeOffsets(IReadOnlyDictionary<string, OciTimeOffset>? offsets)
    {
        if (offsets is not { Count: > 0 }) return;
        if (!HasNewNamespace(OciNamespaceTypes.Time))
            Error("linux.timeOffsets", "offsets need a new time namespace (add {\"type\": \"time\"} to linux.namespaces)");
        foreach (var (clock, offset) in offsets)
        {
            if (clock is not ("monotonic" or "boottime"))
                Error($"linux.timeOffsets.{clock}", "unknown clock (monotonic or boottime)");
            if (offset?.Nanosecs is >= 1_000_000_000)
                Error($"linux.timeOffsets.{clock}.nanosecs", "must be below 1000000000");
        }
    }

    private void CheckDevices(IReadOnlyList<OciDevice>? devices)
    {
        if (devices is null) return;
        var paths = new HashSet<string>();
        for (var i = 0; i < devices.Count; i++)
        {
            var field = $"linux.devices[{i}]";
            var d = devices[i];
            if (d is null) { Error(field, "must not be null"); continue; }
            CheckAbsolute($"{field}.path", d.Path, required: true);
            if (!string.IsNullOrEmpty(d.Path) && !paths.Add(d.Path)) Error($"{field}.path", $"{d.Path} is listed more than once");
            if (d.Type is not ("c" or "b" or "u" or "p"))
                Error($"{field}.type", $"unknown device type \"{d.Type}\" (c, b, u or p)");
            else if (d.Type != "p")
            {
                if (d.Major is null) Error($"{field}.major", $"is required for a device of type {d.Type}");
                if (d.Minor is null) Error($"{field}.minor", $"is required for a device of type {d.Type}");
            }
            if (d.Major is < 0) Error($"{field}.major", "must not be negative");
            if (d.Minor is < 0) Error($"{field}.minor", "must not be negative");
            if (d.FileMode is > 0b111_111_111_111) Error($"{field}.fileMode", $"{d.FileMode} has bits beyond 07777");
        }
    }

    private void CheckNetDevices(IReadOnlyDictionary<string, OciNetDevice>? devices)
    {
        if (devices is not { Count: > 0 }) return;
        if (!HasNamespace(OciNamespaceTypes.Network))
            Error("linux.netDevices", "moving network devices needs a network namespace");
        foreach (var (name, device) in devices)
        {
            if (!IsInterfaceName(name)) Error($"linux.netDevices.{name}", $"\"{name}\" is not a valid interface name");
            if (device?.Name is { } target && !IsInterfaceName(target))
                Error($"linux.netDevices.{name}.name", $"\"{target}\" is not a valid interface name");
        }
    }

    /// <summary>The kernel's rule (dev_valid_name): 1 to 15 characters, not . or .., no /, : or white space.</summary>
    internal static bool IsInterfaceName(string name) =>
        name.Length is > 0 and < 16 && name is not ("." or "..")
        && !name.Any(ch => ch is '/' or ':' || char.IsWhiteSpace(ch));

    private void CheckSysctls(IReadOnlyDictionary<string, string>? sysctls)
    {
        if (sysctls is null) return;
        foreach (var (key, value) in sysctls)
        {
            var field = $"linux.sysctl.{key}";
            if (string.IsNullOrEmpty(key)) { Error("linux.sysctl", "keys must not be empty"); continue; }
            if (value is null) Error(field, "must not be null");
            var name = key.Replace('/', '.');
            if (IpcSysctls.Contains(name) || name.StartsWith("fs.mqueue.", StringComparison.Ordinal))
            {
                if (!HasNamespace(OciNamespaceTypes.Ipc)) Error(field, "needs an IPC namespace");
            }
            else if (name.StartsWith("net.", StringComparison.Ordinal))
            {
                if (!HasNamespace(OciNamespaceTypes.Network)) Error(field, "needs a network namespace");
            }
            else if (name is "kernel.hostname" or "kernel.domainname")
            {
                if (!HasNamespace(OciNamespaceTypes.Uts)) Error(field, "needs a UTS namespace");
            }
            else
            {
                Error(field, "is not namespaced: setting it would change the host");
            }
        }
    }

    private void CheckIntelRdt(OciIntelRdt rdt)
    {
        if (rdt.ClosId is { } clos && (clos is "" or "." or ".." || clos.Contains('/') || clos.Contains('\n')))
            Error("linux.intelRdt.closID", $"\"{clos}\" is not a valid resctrl group name");
        if (rdt.L3CacheSchema is { } l3 && l3.Contains('\n'))
            Error("linux.intelRdt.l3CacheSchema", "must not contain a newline");
        if (rdt.MemBwSchema is { } mb && (!mb.StartsWith("MB:", StringComparison.Ordinal) || mb.Contains('\n')))
            Error("linux.intelRdt.memBwSchema", "must start with \"MB:\" and hold a single line");
    }

    private void CheckMemoryPolicy(OciMemoryPolicy policy)
    {
        if (!MemoryPolicyModes.Contains(policy.Mode))
            Error("linux.memoryPolicy.mode", $"unknown mode \"{policy.Mode}\"");
        if (policy.Mode is "MPOL_DEFAULT" or "MPOL_LOCAL")
        {
            if (!string.IsNullOrEmpty(policy.Nodes)) Error("linux.memoryPolicy.nodes", $"{policy.Mode} takes no nodes");
        }
        else if (policy.Mode is not "MPOL_PREFERRED" && string.IsNullOrEmpty(policy.Nodes))
        {
            Error("linux.memoryPolicy.nodes", $"{policy.Mode} needs nodes");
        }
        CheckCpuList("linux.memoryPolicy.nodes", policy.Nodes);
        if (policy.Flags is { } flags)
            for (var i = 0; i < flags.Count; i++)
                if (!MemoryPolicyFlags.Contains(flags[i])) Error($"linux.memoryPolicy.flags[{i}]", $"unknown flag \"{flags[i]}\"");
    }
}
