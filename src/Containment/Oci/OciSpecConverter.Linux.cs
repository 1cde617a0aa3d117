using Containment.Identity;
using Containment.Mounts;
using Containment.Namespaces;

namespace Containment.Oci;

internal static partial class OciSpecConverter
{
    /// <summary>OCI: no <c>linux.seccomp</c>, no filter; otherwise the profile as given (the JSON runc and Docker read).</summary>
    private static Seccomp.SeccompProfile? ConvertSeccomp(string? json, Action<string, string> refuse)
    {
        if (json is null)
            return null;
        try
        {
            // Names no ABI of this machine knows are skipped, as runc does (Podman's profile lists several).
            return Seccomp.SeccompProfile.FromJson(json).WithoutUnknownNames(Seccomp.ArchitectureInfo.Native, out _);
        }
        catch (ContainerSpecException e)
        {
            foreach (var error in e.Errors)
                refuse("linux.seccomp." + error.Field, error.Message);
            return null;
        }
    }

    private static ContainerSpec ConvertLinux(ContainerSpec spec, OciLinux linux, Action<string, string> refuse, Action<string, string> warn,
        OciHostFeatures host)
    {
        spec = spec.WithNamespaces(ConvertNamespaces(linux.Namespaces ?? []));
        spec = ConvertUserNamespace(spec, linux, refuse);
        foreach (var (key, value) in linux.Sysctl ?? new Dictionary<string, string>())
            spec = spec.WithSysctl(key, value);
        if (linux.Personality is { } personality)
            spec = spec.WithPersonality(personality.Domain == "LINUX32" ? Personality.Linux32 : Personality.Linux);
        if (linux.TimeOffsets is { Count: > 0 } offsets)
            spec = spec.WithTimeOffsets(TimeOffset(offsets, "monotonic", refuse), TimeOffset(offsets, "boottime", refuse));

        spec = ConvertDevices(spec, linux.Devices ?? [], refuse);
        // OCI: absent lists mean none; the library's defaults (runc's lists) apply only when the config names them.
        spec = spec.WithMaskedPaths(linux.MaskedPaths ?? []).WithReadonlyPaths(linux.ReadonlyPaths ?? []);
        if (linux.RootfsPropagation is { Length: > 0 } propagation)
            spec = spec.WithRootfsPropagation(MountOptions.Parse([propagation]).Propagation); // the validator checked the name

        spec = spec.WithSeccomp(ConvertSeccomp(linux.SeccompJson, refuse));
        if (linux.MountLabel is { Length: > 0 } mountLabel)
            spec = spec.WithMountLabel(mountLabel);
        if (linux.IntelRdt is { } rdt && (rdt.ClosId ?? rdt.Schemata ?? rdt.L3CacheSchema ?? rdt.MemBwSchema) is { Length: > 0 }
            || linux.IntelRdt is { EnableCmt: true } or { EnableMbm: true })
            refuse("linux.intelRdt", "Intel RDT (resctrl) is not supported");
        if (linux.NetDevices is { Count: > 0 })
            refuse("linux.netDevices", "moving network devices into the container is not supported");
        if (linux.MemoryPolicy is { } policy && !(policy.Mode == "MPOL_DEFAULT" && policy.Flags is not { Count: > 0 }))
            refuse("linux.memoryPolicy", $"NUMA memory policies are not supported ('{policy.Mode}'); only MPOL_DEFAULT");

        if (linux.CgroupsPath is { Length: > 0 } cgroupsPath)
            spec = spec.WithCgroupsPath(cgroupsPath);
        return spec.WithCgroup(ConvertResources(linux.Resources, refuse, warn, host));
    }

    private static NamespaceSet ConvertNamespaces(IReadOnlyList<OciNamespace> list)
    {
        var namespaces = NamespaceSet.Host;
        foreach (var ns in list)
        {
            NamespaceKind? kind = ns.Type switch
            {
                OciNamespaceTypes.Pid => NamespaceKind.Pid, OciNamespaceTypes.Network => NamespaceKind.Network,
                OciNamespaceTypes.Mount => NamespaceKind.Mount, OciNamespaceTypes.Ipc => NamespaceKind.Ipc,
                OciNamespaceTypes.Uts => NamespaceKind.Uts, OciNamespaceTypes.User => NamespaceKind.User,
                OciNamespaceTypes.Cgroup => NamespaceKind.Cgroup, OciNamespaceTypes.Time => NamespaceKind.Time,
                _ => null,
            };
            if (kind is null)
                continue; // the validator has reported it
            namespaces = ns.Path is { Length: > 0 } path ? namespaces.Join(kind.Value, path) : namespaces.With(kind.Value);
        }
        return namespaces;
    }

    /// <summary>linux.uidMappings and gidMappings: the maps of a new user namespace.</summary>
    private static ContainerSpec ConvertUserNamespace(ContainerSpec spec, OciLinux linux, Action<string, string> refuse)
    {
        if (linux.UidMappings is not { Count: > 0 } && linux.GidMappings is not { Count: > 0 })
            return spec;
        if (spec.Namespaces[NamespaceKind.User] is NamespaceSetting.JoinNamespace)
        {
            refuse("linux.uidMappings", "mappings with a joined user namespace (linux.namespaces[].path) are not supported; the namespace's own maps apply, so leave them out");
            return spec;
        }
        static IdMapping Map(OciIdMapping m) => new(m.ContainerId, m.HostId, m.Size);
        return spec.WithUserNamespace(new UserNamespaceSpec
        {
            UidMappings = [.. (linux.UidMappings ?? []).Select(Map)],
            GidMappings = [.. (linux.GidMappings ?? []).Select(Map)],
        });
    }

    private static TimeSpan TimeOffset(IReadOnlyDictionary<string, OciTimeOffset> offsets, string clock, Action<string, string> refuse)
    {
        if (!offsets.TryGetValue(clock, out var offset) || offset is null)
            return TimeSpan.Zero;
        var nanos = offset.Nanosecs ?? 0;
        if (nanos % 100 != 0)
            refuse($"linux.timeOffsets.{clock}.nanosecs", $"{nanos} is finer than this version keeps (multiples of 100 ns)");
        var seconds = offset.Secs ?? 0;
        if (seconds is > 900_000_000_000 or < -900_000_000_000)
        {
            refuse($"linux.timeOffsets.{clock}.secs", $"{seconds} is out of range");
            return TimeSpan.Zero;
        }
        return TimeSpan.FromTicks(seconds * TimeSpan.TicksPerSecond + nanos / 100);
    }

    private static ContainerSpec ConvertDevices(ContainerSpec spec, IReadOnlyList<OciDevice> devices, Action<string, string> refuse)
    {
        for (var i = 0; i < devices.Count; i++)
        {
            var d = devices[i];
            if (d.Major is > uint.MaxValue || d.Minor is > uint.MaxValue)
            {
                refuse($"linux.devices[{i}]", $"{d.Major}:{d.Minor} are not device numbers");
                continue;
            }
            var type = DeviceNode.ParseType(d.Type) ?? DeviceNodeType.Char; // the validator has checked the letter
            spec = spec.WithDevice(new DeviceNode(d.Path, type, (uint)(d.Major ?? 0), (uint)(d.Minor ?? 0), d.FileMode ?? 0x1b6, d.Uid ?? 0, d.Gid ?? 0));
        }
        return spec;
    }
}
