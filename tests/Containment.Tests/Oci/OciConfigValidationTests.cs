using Containment.Oci;

namespace Containment.Tests.Oci;

public class OciConfigValidationTests
{
    private static readonly OciConfig Valid = OciConfig.CreateDefault(rootless: false, cgroupNamespace: true, hostUid: 0, hostGid: 0);

    private static OciConfig WithProcess(Func<OciProcess, OciProcess> change) => Valid with { Process = change(Valid.Process!) };
    private static OciConfig WithLinux(Func<OciLinux, OciLinux> change) => Valid with { Linux = change(Valid.Linux!) };
    private static OciConfig WithResources(Func<OciResources, OciResources> change) =>
        WithLinux(l => l with { Resources = change(l.Resources!) });
    private static OciConfig WithNamespaces(params string[] types) =>
        WithLinux(l => l with { Namespaces = types.Select(t => new OciNamespace { Type = t }).ToList() });
    private static OciConfig WithMount(OciMount mount) => Valid with { Mounts = [.. Valid.Mounts!, mount] };
    private static OciIdMapping Map(uint container, uint host, uint size) => new() { ContainerId = container, HostId = host, Size = size };
    private static OciConfig UserNs(IReadOnlyList<OciIdMapping>? uids, IReadOnlyList<OciIdMapping>? gids) =>
        WithLinux(l => l with
        {
            Namespaces = [.. l.Namespaces!, new OciNamespace { Type = "user" }], UidMappings = uids, GidMappings = gids,
        });

    private static IEnumerable<TestCaseData> Invalid()
    {
        TestCaseData Case(string name, OciConfig config, string field) => new TestCaseData(config, field).SetName(name);

        // document
        yield return Case("ociVersion is required", Valid with { OciVersion = "" }, "ociVersion");
        yield return Case("ociVersion must be SemVer", Valid with { OciVersion = "1.2" }, "ociVersion");
        yield return Case("ociVersion must be 1.x", Valid with { OciVersion = "2.0.0" }, "ociVersion");
        yield return Case("root is required", Valid with { Root = null }, "root");
        yield return Case("root.path is required", Valid with { Root = new OciRoot() }, "root.path");
        yield return Case("hostname needs a UTS namespace", WithNamespaces("pid", "mount"), "hostname");
        yield return Case("hostname is at most 64 characters", Valid with { Hostname = new string('h', 65) }, "hostname");
        yield return Case("domainname needs a UTS namespace",
            (Valid with { Hostname = null, Domainname = "example.org" }) with { Linux = WithNamespaces("pid").Linux }, "domainname");
        yield return Case("annotation keys are not empty", Valid with { Annotations = new Dictionary<string, string> { [""] = "x" } }, "annotations");

        // process
        yield return Case("process.args is required", WithProcess(p => p with { Args = null }), "process.args");
        yield return Case("process.args is not empty", WithProcess(p => p with { Args = [] }), "process.args");
        yield return Case("the program is not an empty string", WithProcess(p => p with { Args = [""] }), "process.args[0]");
        yield return Case("process.cwd is required", WithProcess(p => p with { Cwd = "" }), "process.cwd");
        yield return Case("process.cwd is absolute", WithProcess(p => p with { Cwd = "app" }), "process.cwd");
        yield return Case("env entries are NAME=value", WithProcess(p => p with { Env = ["PATH=/bin", "BROKEN"] }), "process.env[1]");
        yield return Case("env names are not empty", WithProcess(p => p with { Env = ["=value"] }), "process.env[0]");
        yield return Case("umask is at most 0777", WithProcess(p => p with { User = p.User with { Umask = 512 } }), "process.user.umask");
        yield return Case("capability names are well formed (a well-formed unknown one is skipped with a warning)",
            WithProcess(p => p with { Capabilities = p.Capabilities! with { Ambient = ["CAP_KILL", "fly"] } }), "process.capabilities.ambient[1]");
        yield return Case("rlimit types are known",
            WithProcess(p => p with { Rlimits = [new OciRlimit { Type = "RLIMIT_BOGUS" }] }), "process.rlimits[0].type");
        yield return Case("rlimit types are not repeated",
            WithProcess(p => p with { Rlimits = [.. p.Rlimits!, new OciRlimit { Type = "RLIMIT_NOFILE", Soft = 1, Hard = 1 }] }), "process.rlimits[1].type");
        yield return Case("rlimit soft is at most hard",
            WithProcess(p => p with { Rlimits = [new OciRlimit { Type = "RLIMIT_NOFILE", Soft = 2048, Hard = 1024 }] }), "process.rlimits[0].soft");
        yield return Case("oomScoreAdj is within -1000..1000", WithProcess(p => p with { OomScoreAdj = 1001 }), "process.oomScoreAdj");
        yield return Case("ioPriority class is known",
            WithProcess(p => p with { IoPriority = new OciIoPriority { Class = "IOPRIO_CLASS_NONE" } }), "process.ioPriority.class");
        yield return Case("ioPriority priority is within 0..7",
            WithProcess(p => p with { IoPriority = new OciIoPriority { Class = "IOPRIO_CLASS_BE", Priority = 8 } }), "process.ioPriority.priority");
        yield return Case("scheduler policy is known",
            WithProcess(p => p with { Scheduler = new OciScheduler { Policy = "SCHED_FAST" } }), "process.scheduler.policy");
        yield return Case("scheduler nice is within -20..19",
            WithProcess(p => p with { Scheduler = new OciScheduler { Policy = "SCHED_OTHER", Nice = 20 } }), "process.scheduler.nice");
        yield return Case("real-time scheduling needs a priority",
            WithProcess(p => p with { Scheduler = new OciScheduler { Policy = "SCHED_FIFO" } }), "process.scheduler.priority");
        yield return Case("scheduler flags are known",
            WithProcess(p => p with { Scheduler = new OciScheduler { Policy = "SCHED_OTHER", Flags = ["SCHED_FLAG_NOPE"] } }), "process.scheduler.flags[0]");
        yield return Case("deadline runtime is at most the deadline",
            WithProcess(p => p with { Scheduler = new OciScheduler { Policy = "SCHED_DEADLINE", Runtime = 20, Deadline = 10, Period = 30 } }), "process.scheduler.runtime");
        yield return Case("non-real-time policies take no priority",
            WithProcess(p => p with { Scheduler = new OciScheduler { Policy = "SCHED_BATCH", Priority = 5 } }), "process.scheduler.priority");
        yield return Case("SCHED_DEADLINE needs a runtime",
            WithProcess(p => p with { Scheduler = new OciScheduler { Policy = "SCHED_DEADLINE", Deadline = 10 } }), "process.scheduler.runtime");
        yield return Case("the deadline is at most the period",
            WithProcess(p => p with { Scheduler = new OciScheduler { Policy = "SCHED_DEADLINE", Runtime = 1, Deadline = 10, Period = 5 } }), "process.scheduler.deadline");
        yield return Case("deadline parameters need SCHED_DEADLINE",
            WithProcess(p => p with { Scheduler = new OciScheduler { Policy = "SCHED_OTHER", Runtime = 10 } }), "process.scheduler");
        yield return Case("exec CPU affinity is a CPU list",
            WithProcess(p => p with { ExecCpuAffinity = new OciExecCpuAffinity { Initial = "3-1" } }), "process.execCPUAffinity.initial");

        // mounts
        yield return Case("mount destination is required", WithMount(new OciMount { Type = "tmpfs", Source = "tmpfs" }), "mounts[7].destination");
        yield return Case("mount destination is absolute", WithMount(new OciMount { Destination = "tmp", Type = "tmpfs" }), "mounts[7].destination");
        yield return Case("bind mounts need a source", WithMount(new OciMount { Destination = "/data", Options = ["rbind"] }), "mounts[7].source");
        yield return Case("mount options are not empty", WithMount(new OciMount { Destination = "/t", Type = "tmpfs", Options = ["", "ro"] }), "mounts[7].options[0]");
        yield return Case("id-mapped mounts need gid mappings too",
            WithMount(new OciMount { Destination = "/d", Source = "/d", Type = "bind", UidMappings = [Map(0, 1000, 1)] }), "mounts[7].gidMappings");
        yield return Case("id-mapped mount sizes are above zero",
            WithMount(new OciMount { Destination = "/d", Source = "/d", Type = "bind", UidMappings = [Map(0, 1000, 0)], GidMappings = [Map(0, 1000, 1)] }), "mounts[7].uidMappings[0].size");

        // hooks
        yield return Case("hook paths are required",
            Valid with { Hooks = new OciHooks { Poststop = [new OciHook()] } }, "hooks.poststop[0].path");
        yield return Case("hook paths are absolute",
            Valid with { Hooks = new OciHooks { CreateRuntime = [new OciHook { Path = "/ok" }, new OciHook { Path = "hook.sh" }] } }, "hooks.createRuntime[1].path");
        yield return Case("hook timeouts are above zero",
            Valid with { Hooks = new OciHooks { Poststart = [new OciHook { Path = "/h", Timeout = 0 }] } }, "hooks.poststart[0].timeout");
        yield return Case("hook env entries are NAME=value",
            Valid with { Hooks = new OciHooks { Prestart = [new OciHook { Path = "/h", Env = ["X"] }] } }, "hooks.prestart[0].env[0]");

        // namespaces and id mappings
        yield return Case("namespace types are known", WithNamespaces("pid", "net"), "linux.namespaces[1].type");
        yield return Case("namespace types are not repeated", WithNamespaces("pid", "uts", "pid"), "linux.namespaces[2].type");
        yield return Case("namespace paths are absolute",
            WithLinux(l => l with { Namespaces = [.. l.Namespaces!.Skip(1), new OciNamespace { Type = "pid", Path = "proc/1/ns/pid" }] }), "linux.namespaces[5].path");
        yield return Case("uid mappings need a user namespace",
            WithLinux(l => l with { UidMappings = [Map(0, 1000, 1)], GidMappings = [Map(0, 1000, 1)] }), "linux.uidMappings");
        yield return Case("a new user namespace needs uid mappings", UserNs(null, [Map(0, 1000, 1)]), "linux.uidMappings");
        yield return Case("a new user namespace needs gid mappings", UserNs([Map(0, 1000, 1)], null), "linux.gidMappings");
        yield return Case("mapping sizes are above zero", UserNs([Map(0, 1000, 0)], [Map(0, 1000, 1)]), "linux.uidMappings[0].size");
        yield return Case("mapped container ids do not overlap",
            UserNs([Map(0, 100000, 1000), Map(999, 200000, 10)], [Map(0, 1000, 1)]), "linux.uidMappings[1]");
        yield return Case("mapped host ids do not overlap",
            UserNs([Map(0, 100000, 1000)], [Map(0, 100000, 1000), Map(1000, 100500, 10)]), "linux.gidMappings[1]");
        yield return Case("mappings do not go past the largest id",
            UserNs([Map(0, uint.MaxValue, 2)], [Map(0, 1000, 1)]), "linux.uidMappings[0].size");
        yield return Case("at most 340 mappings",
            UserNs(Enumerable.Range(0, 341).Select(i => Map((uint)i, (uint)(1000 + i), 1)).ToList(), [Map(0, 1000, 1)]), "linux.uidMappings");
        yield return Case("time offsets need a time namespace",
            WithLinux(l => l with { TimeOffsets = new Dictionary<string, OciTimeOffset> { ["monotonic"] = new() { Secs = 1 } } }), "linux.timeOffsets");
        yield return Case("time offset clocks are known",
            WithLinux(l => l with
            {
                Namespaces = [.. l.Namespaces!, new OciNamespace { Type = "time" }],
                TimeOffsets = new Dictionary<string, OciTimeOffset> { ["realtime"] = new() { Secs = 1 } },
            }), "linux.timeOffsets.realtime");

        // devices
        yield return Case("device types are c, b, u or p",
            WithLinux(l => l with { Devices = [new OciDevice { Path = "/dev/x", Type = "x", Major = 1, Minor = 1 }] }), "linux.devices[0].type");
        yield return Case("device paths are absolute",
            WithLinux(l => l with { Devices = [new OciDevice { Path = "dev/null", Type = "c", Major = 1, Minor = 3 }] }), "linux.devices[0].path");
        yield return Case("character devices need a major number",
            WithLinux(l => l with { Devices = [new OciDevice { Path = "/dev/null", Type = "c", Minor = 3 }] }), "linux.devices[0].major");
        yield return Case("device paths are not repeated",
            WithLinux(l => l with
            {
                Devices = [new OciDevice { Path = "/dev/a", Type = "p" }, new OciDevice { Path = "/dev/a", Type = "p" }],
            }), "linux.devices[1].path");
        yield return Case("device file modes have no bits beyond 07777",
            WithLinux(l => l with { Devices = [new OciDevice { Path = "/dev/a", Type = "p", FileMode = 0x2000 }] }), "linux.devices[0].fileMode");
        yield return Case("net devices need a network namespace",
            WithLinux(l => l with
            {
                Namespaces = [new OciNamespace { Type = "uts" }],
                NetDevices = new Dictionary<string, OciNetDevice> { ["eth1"] = new() },
            }), "linux.netDevices");
        yield return Case("net device names are interface names",
            WithLinux(l => l with { NetDevices = new Dictionary<string, OciNetDevice> { ["eth1"] = new() { Name = "a/b" } } }), "linux.netDevices.eth1.name");

        // sysctl
        yield return Case("net sysctls need a network namespace",
            WithLinux(l => l with { Namespaces = [new OciNamespace { Type = "uts" }], Sysctl = new Dictionary<string, string> { ["net.ipv4.ip_forward"] = "1" } }),
            "linux.sysctl.net.ipv4.ip_forward");
        yield return Case("ipc sysctls need an IPC namespace",
            WithLinux(l => l with { Namespaces = [new OciNamespace { Type = "uts" }], Sysctl = new Dictionary<string, string> { ["kernel.shmmax"] = "1" } }),
            "linux.sysctl.kernel.shmmax");
        yield return Case("host-wide sysctls are refused",
            WithLinux(l => l with { Sysctl = new Dictionary<string, string> { ["vm.swappiness"] = "10" } }), "linux.sysctl.vm.swappiness");

        // resources
        yield return Case("device rule types are a, c or b",
            WithResources(r => r with { Devices = [new OciDeviceRule { Allow = true, Type = "p" }] }), "linux.resources.devices[0].type");
        yield return Case("device rule access is made of rwm",
            WithResources(r => r with { Devices = [new OciDeviceRule { Allow = true, Access = "rx" }] }), "linux.resources.devices[0].access");
        yield return Case("memory limits are -1 or more",
            WithResources(r => r with { Memory = new OciMemory { Limit = -2 } }), "linux.resources.memory.limit");
        yield return Case("swappiness is at most 100",
            WithResources(r => r with { Memory = new OciMemory { Swappiness = 101 } }), "linux.resources.memory.swappiness");
        yield return Case("memory+swap is at least the memory limit",
            WithResources(r => r with { Memory = new OciMemory { Limit = 2048 * 1024, Swap = 1024 * 1024 } }), "linux.resources.memory.swap");
        yield return Case("cpu period is within 1ms..1s",
            WithResources(r => r with { Cpu = new OciCpu { Period = 999 } }), "linux.resources.cpu.period");
        yield return Case("cpu quota is -1 or at least 1ms",
            WithResources(r => r with { Cpu = new OciCpu { Quota = 10 } }), "linux.resources.cpu.quota");
        yield return Case("cpu burst is at most the quota",
            WithResources(r => r with { Cpu = new OciCpu { Quota = 50000, Burst = 60000 } }), "linux.resources.cpu.burst");
        yield return Case("cpu idle is 0 or 1",
            WithResources(r => r with { Cpu = new OciCpu { Idle = 2 } }), "linux.resources.cpu.idle");
        yield return Case("cpus is a CPU list",
            WithResources(r => r with { Cpu = new OciCpu { Cpus = "0-" } }), "linux.resources.cpu.cpus");
        yield return Case("mems is a node list",
            WithResources(r => r with { Cpu = new OciCpu { Mems = "a" } }), "linux.resources.cpu.mems");
        yield return Case("realtime runtime is at most its period",
            WithResources(r => r with { Cpu = new OciCpu { RealtimeRuntime = 2000, RealtimePeriod = 1000 } }), "linux.resources.cpu.realtimeRuntime");
        yield return Case("block io weight is within 10..1000",
            WithResources(r => r with { BlockIo = new OciBlockIo { Weight = 5 } }), "linux.resources.blockIO.weight");
        yield return Case("weight devices set a weight",
            WithResources(r => r with { BlockIo = new OciBlockIo { WeightDevice = [new OciWeightDevice { Major = 8 }] } }), "linux.resources.blockIO.weightDevice[0]");
        yield return Case("throttled device numbers are not negative",
            WithResources(r => r with { BlockIo = new OciBlockIo { ThrottleReadIopsDevice = [new OciThrottleDevice { Major = -1, Rate = 1 }] } }),
            "linux.resources.blockIO.throttleReadIOPSDevice[0].major");
        yield return Case("hugepage sizes look like 2MB",
            WithResources(r => r with { HugepageLimits = [new OciHugepageLimit { PageSize = "2M", Limit = 1 }] }), "linux.resources.hugepageLimits[0].pageSize");
        yield return Case("hugepage sizes are not repeated",
            WithResources(r => r with { HugepageLimits = [new OciHugepageLimit { PageSize = "2MB" }, new OciHugepageLimit { PageSize = "2MB" }] }),
            "linux.resources.hugepageLimits[1].pageSize");
        yield return Case("network priorities name an interface",
            WithResources(r => r with { Network = new OciNetwork { Priorities = [new OciInterfacePriority { Priority = 1 }] } }), "linux.resources.network.priorities[0].name");
        yield return Case("rdma entries set a limit",
            WithResources(r => r with { Rdma = new Dictionary<string, OciRdma> { ["mlx5_1"] = new() } }), "linux.resources.rdma.mlx5_1");
        yield return Case("unified keys are cgroup file names",
            WithResources(r => r with { Unified = new Dictionary<string, string> { ["../memory.max"] = "1" } }), "linux.resources.unified.../memory.max");

        // the rest of linux
        yield return Case("rootfs propagation is known", WithLinux(l => l with { RootfsPropagation = "rshared-ish" }), "linux.rootfsPropagation");
        yield return Case("masked paths are absolute", WithLinux(l => l with { MaskedPaths = ["/proc/kcore", "proc/keys"] }), "linux.maskedPaths[1]");
        yield return Case("read-only paths are absolute", WithLinux(l => l with { ReadonlyPaths = ["sys"] }), "linux.readonlyPaths[0]");
        yield return Case("personality domain is LINUX or LINUX32",
            WithLinux(l => l with { Personality = new OciPersonality { Domain = "SVR4" } }), "linux.personality.domain");
        yield return Case("memory bandwidth schema starts with MB:",
            WithLinux(l => l with { IntelRdt = new OciIntelRdt { MemBwSchema = "L3:0=1" } }), "linux.intelRdt.memBwSchema");
        yield return Case("closID is a group name",
            WithLinux(l => l with { IntelRdt = new OciIntelRdt { ClosId = "../x" } }), "linux.intelRdt.closID");
        yield return Case("memory policy modes are known",
            WithLinux(l => l with { MemoryPolicy = new OciMemoryPolicy { Mode = "MPOL_RANDOM", Nodes = "0" } }), "linux.memoryPolicy.mode");
        yield return Case("the default policy takes no nodes",
            WithLinux(l => l with { MemoryPolicy = new OciMemoryPolicy { Mode = "MPOL_DEFAULT", Nodes = "0" } }), "linux.memoryPolicy.nodes");
        yield return Case("memory policy flags are known",
            WithLinux(l => l with { MemoryPolicy = new OciMemoryPolicy { Mode = "MPOL_BIND", Nodes = "0", Flags = ["MPOL_F_FAST"] } }), "linux.memoryPolicy.flags[0]");
        yield return Case("personality flags are not defined",
            WithLinux(l => l with { Personality = new OciPersonality { Domain = "LINUX", Flags = ["X"] } }), "linux.personality.flags");
        yield return Case("the L3 cache schema is one line",
            WithLinux(l => l with { IntelRdt = new OciIntelRdt { L3CacheSchema = "L3:0=1\nL3:1=1" } }), "linux.intelRdt.l3CacheSchema");
        yield return Case("cgroupsPath holds no NUL", WithLinux(l => l with { CgroupsPath = "/a\0b" }), "linux.cgroupsPath");
        yield return Case("kernel.hostname needs a UTS namespace",
            (Valid with { Hostname = null }) with
            {
                Linux = Valid.Linux! with { Namespaces = [new OciNamespace { Type = "pid" }], Sysctl = new Dictionary<string, string> { ["kernel.hostname"] = "x" } },
            }, "linux.sysctl.kernel.hostname");
        yield return Case("net device host names are interface names",
            WithLinux(l => l with { NetDevices = new Dictionary<string, OciNetDevice> { ["a-very-long-interface-name"] = new() } }), "linux.netDevices.a-very-long-interface-name");
        yield return Case("time offset nanoseconds are below one second",
            WithLinux(l => l with
            {
                Namespaces = [.. l.Namespaces!, new OciNamespace { Type = "time" }],
                TimeOffsets = new Dictionary<string, OciTimeOffset> { ["boottime"] = new() { Nanosecs = 1_000_000_000 } },
            }), "linux.timeOffsets.boottime.nanosecs");
        yield return Case("device numbers are not negative",
            WithLinux(l => l with { Devices = [new OciDevice { Path = "/dev/x", Type = "c", Major = -1, Minor = 0 }] }), "linux.devices[0].major");
        yield return Case("block devices need a minor number",
            WithLinux(l => l with { Devices = [new OciDevice { Path = "/dev/x", Type = "b", Major = 8 }] }), "linux.devices[0].minor");
        yield return Case("device rule numbers are -1 or more",
            WithResources(r => r with { Devices = [new OciDeviceRule { Allow = true, Type = "c", Minor = -2 }] }), "linux.resources.devices[0].minor");
        yield return Case("per-device weights are within 10..1000",
            WithResources(r => r with { BlockIo = new OciBlockIo { WeightDevice = [new OciWeightDevice { Major = 8, Weight = 2000 }] } }),
            "linux.resources.blockIO.weightDevice[0].weight");
        yield return Case("unified keys name a controller file",
            WithResources(r => r with { Unified = new Dictionary<string, string> { ["memory"] = "1" } }), "linux.resources.unified.memory");
        yield return Case("interleaving needs nodes",
            WithLinux(l => l with { MemoryPolicy = new OciMemoryPolicy { Mode = "MPOL_INTERLEAVE" } }), "linux.memoryPolicy.nodes");
    }

    [TestCaseSource(nameof(Invalid))]
    public void Each_rule_reports_its_field(object config, string field) // object: OciConfig is internal
    {
        var errors = ((OciConfig)config).Validate();

        Assert.That(errors.Select(e => e.Field), Does.Contain(field), string.Join("\n", errors));
    }

    [Test]
    public void Null_list_items_from_json_are_reported_not_thrown()
    {
        var config = OciConfig.Parse("""
            {"ociVersion": "1.2.0", "root": {"path": "r"}, "process": {"cwd": "/", "args": ["sh", null], "env": [null]},
             "mounts": [null], "hooks": {"poststop": [null]}, "linux": {"namespaces": [null], "uidMappings": [null]}}
            """);

        var fields = config.Validate().Select(e => e.Field);

        Assert.That(fields, Is.SupersetOf(new[] { "process.args[1]", "process.env[0]", "mounts[0]", "hooks.poststop[0]", "linux.namespaces[0]", "linux.uidMappings[0]" }));
    }

    [Test]
    public void Every_problem_is_reported_at_once()
    {
        var config = Valid with
        {
            OciVersion = "",
            Process = Valid.Process! with { Cwd = "relative", Args = [] },
            Mounts = [new OciMount { Destination = "x" }],
        };

        var errors = config.Validate();

        Assert.That(errors.Select(e => e.Field), Is.SupersetOf(new[] { "ociVersion", "process.cwd", "process.args", "mounts[0].destination" }));
    }

    [Test]
    public void EnsureValid_throws_a_spec_exception_listing_the_problems()
    {
        var config = Valid with { Root = null, OciVersion = "x" };

        var e = Assert.Throws<ContainerSpecException>(() => config.EnsureValid())!;

        Assert.That(e.Errors.Select(x => x.Field), Is.EquivalentTo(new[] { "root", "ociVersion" }));
    }

    [Test]
    public void A_valid_config_passes_EnsureValid_unchanged()
    {
        Assert.That(Valid.EnsureValid(), Is.SameAs(Valid));
    }

    [Test]
    public void Joined_namespaces_satisfy_the_namespace_rules()
    {
        var config = WithLinux(l => l with
        {
            Namespaces = [new OciNamespace { Type = "network", Path = "/run/netns/a" }, new OciNamespace { Type = "uts", Path = "/proc/1/ns/uts" },
                new OciNamespace { Type = "user", Path = "/proc/1/ns/user" }],
            Sysctl = new Dictionary<string, string> { ["net.core.somaxconn"] = "512" },
        });

        Assert.That(config.Validate(), Is.Empty);
    }

    [TestCase("0")]
    [TestCase("0-3,7")]
    [TestCase("0, 2-3")]
    [TestCase("")]
    public void Cpu_lists_are_accepted(string list)
    {
        var config = WithResources(r => r with { Cpu = new OciCpu { Cpus = list } });

        Assert.That(config.Validate(), Is.Empty);
    }
}
