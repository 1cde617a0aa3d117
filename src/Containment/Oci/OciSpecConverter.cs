using Containment.Cgroups;
using Containment.Namespaces;

namespace Containment.Oci;

/// <summary>
/// The one place where an OCI <c>config.json</c> becomes a <see cref="ContainerSpec"/>. Every field is either
/// mapped or reported as an error naming it: nothing is silently dropped.
/// </summary>
public static class OciSpecConverter
{
    /// <summary>The devices every container may use, whatever its device rules say (as runc allows them).</summary>
    private static readonly (char Type, long? Major, long? Minor)[] DefaultAllowedDevices =
    [
        ('c', 1, 3), ('c', 1, 5), ('c', 1, 7), ('c', 1, 8), ('c', 1, 9), ('c', 5, 0), ('c', 5, 1), ('c', 5, 2), ('c', 136, null),
    ];

    /// <summary>Converts a validated configuration; <paramref name="bundle"/> anchors a relative <c>root.path</c>.</summary>
    /// <exception cref="ContainerSpecException">The configuration is invalid or uses a field this version cannot honour.</exception>
    public static ContainerSpec ToContainerSpec(OciConfig config, string bundle)
    {
        var errors = new List<SpecError>(config.Validate());
        if (errors.Count > 0)
            throw new ContainerSpecException(errors);
        void Unsupported(string field, string why = "is not supported by this version") => errors.Add(new SpecError(field, why));

        var rootPath = config.Root!.Path;
        var spec = ContainerSpec.FromRootfs(Path.GetFullPath(Path.IsPathRooted(rootPath) ? rootPath : Path.Combine(bundle, rootPath)));
        if (config.Root.Readonly == true)
            Unsupported("root.readonly");
        if (config.Hostname is { Length: > 0 } hostname)
            spec = spec.WithHostname(hostname);
        if (config.Domainname is { Length: > 0 } domainname)
            spec = spec.WithDomainname(domainname);

        if (config.Process is { } process)
            spec = spec.WithProcess(ConvertProcess(process, Unsupported));
        else
            Unsupported("process", "is required to create a container");

        if (config.Linux is { } linux)
            spec = ConvertLinux(spec, linux, Unsupported);
        else
            Unsupported("linux", "is required on Linux");
        ConvertMounts(config.Mounts ?? [], Unsupported);
        if (config.Hooks is { } hooks && (hooks.CreateContainer?.Count > 0 || hooks.StartContainer?.Count > 0))
            Unsupported("hooks", "createContainer and startContainer hooks are not supported by this version");

        if (errors.Count > 0)
            throw new ContainerSpecException(errors);
        return spec;
    }

    private static ProcessSpec ConvertProcess(OciProcess process, Action<string, string> unsupported)
    {
        if (process.User.Uid != 0 || process.User.Gid != 0 || process.User.AdditionalGids?.Count > 0)
            unsupported("process.user", "a non-root user is not supported by this version");
        if (process.Capabilities is not null)
            unsupported("process.capabilities", "is not supported by this version");
        if (process.NoNewPrivileges == true)
            unsupported("process.noNewPrivileges", "is not supported by this version");
        if (process.User.Umask is not null)
            unsupported("process.user.umask", "is not supported by this version");
        if (process.Rlimits?.Count > 0)
            unsupported("process.rlimits", "is not supported by this version");
        if (process.ApparmorProfile is { Length: > 0 })
            unsupported("process.apparmorProfile", "AppArmor is not supported");
        if (process.SelinuxLabel is { Length: > 0 })
            unsupported("process.selinuxLabel", "SELinux is not supported");
        if (process.OomScoreAdj is not null)
            unsupported("process.oomScoreAdj", "is not supported by this version");
        if (process.Scheduler is not null)
            unsupported("process.scheduler", "is not supported by this version");
        if (process.IoPriority is not null)
            unsupported("process.ioPriority", "is not supported by this version");
        if (process.ExecCpuAffinity is not null)
            unsupported("process.execCPUAffinity", "is not supported by this version");
        if (process.CommandLine is { Length: > 0 })
            unsupported("process.commandLine", "is for Windows");
        return new ProcessSpec
        {
            Args = [.. process.Args ?? []],
            Env = [.. process.Env ?? []],
            WorkingDirectory = process.Cwd.Length == 0 ? "/" : process.Cwd,
            StandardInput = Stdio.Inherit,
            StandardOutput = Stdio.Inherit,
            StandardError = Stdio.Inherit,
        };
    }

    private static ContainerSpec ConvertLinux(ContainerSpec spec, OciLinux linux, Action<string, string> unsupported)
    {
        var namespaces = NamespaceSet.Host;
        for (var i = 0; i < (linux.Namespaces?.Count ?? 0); i++)
        {
            var ns = linux.Namespaces![i];
            NamespaceKind? kind = ns.Type switch
            {
                "pid" => NamespaceKind.Pid, "network" => NamespaceKind.Network, "mount" => NamespaceKind.Mount,
                "ipc" => NamespaceKind.Ipc, "uts" => NamespaceKind.Uts, "user" => NamespaceKind.User,
                "cgroup" => NamespaceKind.Cgroup, "time" => NamespaceKind.Time, _ => null,
            };
            if (kind is null)
                continue; // the validator has reported it
            namespaces = ns.Path is { Length: > 0 } path ? namespaces.Join(kind.Value, path) : namespaces.With(kind.Value);
        }
        spec = spec.WithNamespaces(namespaces);

        if (linux.UidMappings?.Count > 0 || linux.GidMappings?.Count > 0)
            unsupported("linux.uidMappings", "user namespace mappings are not supported by this version");
        if (linux.Sysctl?.Count > 0)
            unsupported("linux.sysctl", "is not supported by this version");
        if (linux.Devices?.Count > 0)
            unsupported("linux.devices", "extra devices are not supported by this version");
        if (linux.SeccompJson is not null)
            unsupported("linux.seccomp", "is not supported by this version");
        if (linux.MaskedPaths?.Count > 0)
            unsupported("linux.maskedPaths", "is not supported by this version");
        if (linux.ReadonlyPaths?.Count > 0)
            unsupported("linux.readonlyPaths", "is not supported by this version");
        if (linux.RootfsPropagation is { Length: > 0 } propagation && propagation is not ("private" or "rprivate"))
            unsupported("linux.rootfsPropagation", $"'{propagation}' is not supported by this version (the root is rprivate)");
        if (linux.MountLabel is { Length: > 0 })
            unsupported("linux.mountLabel", "SELinux is not supported");
        if (linux.IntelRdt is not null)
            unsupported("linux.intelRdt", "is not supported");
        if (linux.Personality is not null)
            unsupported("linux.personality", "is not supported by this version");
        if (linux.TimeOffsets?.Count > 0)
            unsupported("linux.timeOffsets", "is not supported by this version");
        if (linux.NetDevices?.Count > 0)
            unsupported("linux.netDevices", "is not supported");
        if (linux.MemoryPolicy is not null)
            unsupported("linux.memoryPolicy", "is not supported");

        if (linux.CgroupsPath is { Length: > 0 } cgroupsPath)
            spec = spec.WithCgroupsPath(cgroupsPath);
        return spec.WithCgroup(ConvertResources(linux.Resources, unsupported));
    }

    /// <summary>linux.resources onto the cgroup builder; a container always gets a cgroup, as with runc.</summary>
    internal static CgroupSpec ConvertResources(OciResources? resources, Action<string, string> unsupported) => CgroupSpec.Build(c =>
    {
        if (resources is null)
            return;
        if (resources.Memory is { } memory)
        {
            if (memory.Limit is { } limit and not 0) c.MemoryMax(limit);
            if (memory.Reservation is { } reservation and not 0) c.MemoryReservation(reservation);
            if (memory.Swap is { } swap and not 0) c.MemorySwapMax(swap);
            if (memory.Swappiness is { } swappiness and <= 100) c.Swappiness((int)swappiness);
            if (memory.Kernel is { } k && k != 0 || memory.KernelTcp is { } kt && kt != 0)
                unsupported("linux.resources.memory.kernel", "kernel memory limits were removed from Linux");
            if (memory.DisableOomKiller == true)
                unsupported("linux.resources.memory.disableOOMKiller", "is not supported by this version");
        }
        if (resources.Cpu is { } cpu)
        {
            if (cpu.Shares is { } shares and not 0) c.CpuShares((long)shares);
            if (cpu.Quota is { } quota and > 0) c.CpuQuota(quota, (long)(cpu.Period ?? 100_000));
            if (cpu.Burst is { } burst and not 0) c.CpuBurst((long)burst);
            if (cpu.Cpus is { Length: > 0 } cpus) c.Cpus(cpus);
            if (cpu.Mems is { Length: > 0 } mems) c.Mems(mems);
            if (cpu.Idle is { } idle and not 0) c.CpuIdle();
            if (cpu.RealtimeRuntime is { } rr && rr != 0 || cpu.RealtimePeriod is { } rp && rp != 0)
                unsupported("linux.resources.cpu.realtimeRuntime", "realtime scheduling limits are not supported");
        }
        if (resources.Pids is { Limit: > 0 } pids)
            c.PidsMax(pids.Limit);
        if (resources.BlockIo is { } io)
        {
            if (io.Weight is { } weight and not 0) c.IoWeight(weight);
            foreach (var d in io.WeightDevice ?? [])
                if (d.Weight is { } w) c.IoDeviceWeight(d.Major, d.Minor, w);
            foreach (var (list, kind) in new[]
            {
                (io.ThrottleReadBpsDevice, IoThrottleKind.ReadBytesPerSecond), (io.ThrottleWriteBpsDevice, IoThrottleKind.WriteBytesPerSecond),
                (io.ThrottleReadIopsDevice, IoThrottleKind.ReadOpsPerSecond), (io.ThrottleWriteIopsDevice, IoThrottleKind.WriteOpsPerSecond),
            })
                foreach (var d in list ?? [])
                    c.IoThrottle(d.Major, d.Minor, kind, (long)d.Rate);
        }
        foreach (var h in resources.HugepageLimits ?? [])
            c.HugetlbMax(h.PageSize, (long)h.Limit);
        if (resources.Network is { } network)
        {
            if (network.ClassId is { } classId) c.NetClassId(classId);
            foreach (var p in network.Priorities ?? [])
                c.NetPriority(p.Name, p.Priority);
        }
        if (resources.Rdma?.Count > 0)
            unsupported("linux.resources.rdma", "is not supported");
        foreach (var (file, value) in resources.Unified ?? new Dictionary<string, string>())
            c.Unified(file, value);
        foreach (var rule in resources.Devices ?? [])
        {
            var type = rule.Type is { Length: > 0 } t ? t[0] : 'a';
            if (rule.Allow)
                c.AllowDevice(type, rule.Major, rule.Minor, rule.Access ?? "rwm");
            else
                c.DenyDevice(type, rule.Major, rule.Minor, rule.Access ?? "rwm");
        }
        if (resources.Devices?.Count > 0)
            foreach (var (type, major, minor) in DefaultAllowedDevices)
                c.AllowDevice(type, major, minor, "rwm");
    });

    /// <summary>The mounts this version provides itself; anything else is reported.</summary>
    private static void ConvertMounts(IReadOnlyList<OciMount> mounts, Action<string, string> unsupported)
    {
        string[] provided = ["/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys"];
        for (var i = 0; i < mounts.Count; i++)
            if (!provided.Contains(mounts[i].Destination))
                unsupported($"mounts[{i}]", $"mounting {mounts[i].Type ?? "bind"} on {mounts[i].Destination} is not supported by this version");
    }
}
