namespace Containment.Oci;

/// <summary>The configuration <c>runc spec</c> generates (runc libcontainer/specconv, <c>Example</c> and
/// <c>ToRootless</c>), rebuilt here so that the CLI's <c>spec</c> command writes the same document.</summary>
internal static class OciDefaults
{
    private static readonly string[] Capabilities = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"];

    private static readonly string[] MaskedPaths =
    [
        "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
        "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi", "/sys/devices/virtual/tpm",
    ];

    private static readonly string[] ReadonlyPaths =
        ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"];

    /// <summary>Whether <c>/sys/fs/cgroup</c> is a cgroup v2 unified hierarchy.</summary>
    public static bool HostIsCgroup2() => File.Exists("/sys/fs/cgroup/cgroup.controllers");

    public static OciConfig Create(bool rootless, bool cgroupNamespace, (uint Uid, uint Gid) host)
    {
        var config = Example(cgroupNamespace);
        return rootless ? ToRootless(config, host) : config;
    }

    private static OciConfig Example(bool cgroupNamespace)
    {
        List<OciNamespace> namespaces =
        [
            new() { Type = OciNamespaceTypes.Pid }, new() { Type = OciNamespaceTypes.Network },
            new() { Type = OciNamespaceTypes.Ipc }, new() { Type = OciNamespaceTypes.Uts },
            new() { Type = OciNamespaceTypes.Mount },
        ];
        if (cgroupNamespace) namespaces.Add(new() { Type = OciNamespaceTypes.Cgroup });

        return new OciConfig
        {
            OciVersion = OciConfig.CurrentVersion,
            Process = new OciProcess
            {
                Terminal = true,
                User = new OciUser(),
                Args = ["sh"],
                Env = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"],
                Cwd = "/",
                Capabilities = new OciCapabilities
                {
                    Bounding = Capabilities, Effective = Capabilities, Permitted = Capabilities,
                },
                Rlimits = [new OciRlimit { Type = "RLIMIT_NOFILE", Hard = 1024, Soft = 1024 }],
                NoNewPrivileges = true,
            },
            Root = new OciRoot { Path = "rootfs", Readonly = true },
            Hostname = "runc",
            Mounts =
            [
                Mount("/proc", "proc", "proc"),
                Mount("/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k"),
                Mount("/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"),
                Mount("/dev/shm", "tmpfs", "shm", "nosuid", "noexec", "nodev", "mode=1777", "size=65536k"),
                Mount("/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev"),
                Mount("/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", "ro"),
                Mount("/sys/fs/cgroup", "cgroup", "cgroup", "nosuid", "noexec", "nodev", "relatime", "ro"),
            ],
            Linux = new OciLinux
            {
                Resources = new OciResources { Devices = [new OciDeviceRule { Allow = false, Access = "rwm" }] },
                Namespaces = namespaces,
                MaskedPaths = MaskedPaths,
                ReadonlyPaths = ReadonlyPaths,
            },
        };
    }

    private static OciConfig ToRootless(OciConfig config, (uint Uid, uint Gid) host)
    {
        var linux = config.Linux!;
        var namespaces = linux.Namespaces!
            .Where(n => n.Type is not (OciNamespaceTypes.Network or OciNamespaceTypes.User))
            .Append(new OciNamespace { Type = OciNamespaceTypes.User })
            .ToList();

        var mounts = config.Mounts!.Select(m =>
            Path.TrimEndingDirectorySeparator(m.Destination) == "/sys"
                ? Mount("/sys", "none", "/sys", "rbind", "nosuid", "noexec", "nodev", "ro")
                : m with
                {
                    Options = m.Options?.Where(o => !o.StartsWith("gid=", StringComparison.Ordinal)
                                                    && !o.StartsWith("uid=", StringComparison.Ordinal)).ToList(),
                }).ToList();

        return config with
        {
            Mounts = mounts,
            Linux = linux with
            {
                Namespaces = namespaces,
                UidMappings = [new OciIdMapping { ContainerId = 0, HostId = host.Uid, Size = 1 }],
                GidMappings = [new OciIdMapping { ContainerId = 0, HostId = host.Gid, Size = 1 }],
                Resources = null,
            },
        };
    }

    private static OciMount Mount(string destination, string type, string source, params string[] options) =>
        new() { Destination = destination, Type = type, Source = source, Options = options.Length == 0 ? null : options };
}
