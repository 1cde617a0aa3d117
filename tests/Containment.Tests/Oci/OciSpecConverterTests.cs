using System.Text.Json;
using Containment.Capabilities;
using Containment.Identity;
using Containment.Mounts;
using Containment.Namespaces;
using Containment.Oci;

namespace Containment.Tests.Oci;

/// <summary>Each field of a config.json and what the converter makes of it; each refusal and its message.</summary>
public class OciSpecConverterTests
{
    private static readonly OciConfig Base = new()
    {
        OciVersion = "1.2.1",
        Root = new OciRoot { Path = "rootfs" },
        Process = new OciProcess { Args = ["sh"], Cwd = "/" },
        Linux = new OciLinux { Namespaces = [new() { Type = "mount" }, new() { Type = "pid" }, new() { Type = "uts" }, new() { Type = "ipc" }] },
    };

    private static ContainerSpec Convert(OciConfig config) => OciSpecConverter.ToContainerSpec(config, "/bundle");

    private static ContainerSpec WithProcess(Func<OciProcess, OciProcess> change) => Convert(Base with { Process = change(Base.Process!) });

    private static ContainerSpec WithLinux(Func<OciLinux, OciLinux> change) => Convert(Base with { Linux = change(Base.Linux!) });

    private static IReadOnlyList<SpecError> Refused(OciConfig config) =>
        Assert.Throws<ContainerSpecException>(() => Convert(config))!.Errors;

    private static IReadOnlyList<SpecError> RefusedProcess(Func<OciProcess, OciProcess> change) => Refused(Base with { Process = change(Base.Process!) });

    private static IReadOnlyList<SpecError> RefusedLinux(Func<OciLinux, OciLinux> change) => Refused(Base with { Linux = change(Base.Linux!) });

    // --- root, names

    [Test]
    public void A_relative_root_is_anchored_at_the_bundle_and_an_absolute_one_kept()
    {
        Assert.That(Convert(Base).Rootfs, Is.EqualTo(new RootfsSpec.Directory("/bundle/rootfs")));
        Assert.That(Convert(Base with { Root = new OciRoot { Path = "/srv/r" } }).Rootfs, Is.EqualTo(new RootfsSpec.Directory("/srv/r")));
    }

    [Test]
    public void Root_readonly_makes_the_root_read_only()
    {
        Assert.That(Convert(Base).Filesystem.ReadOnlyRootfs, Is.False);
        Assert.That(Convert(Base with { Root = new OciRoot { Path = "r", Readonly = true } }).Filesystem.ReadOnlyRootfs, Is.True);
    }

    [Test]
    public void Hostname_and_domainname_are_set()
    {
        var spec = Convert(Base with { Hostname = "h", Domainname = "example.org" });
        Assert.That((spec.Hostname, spec.Domainname), Is.EqualTo(("h", "example.org")));
    }

    // --- process

    [Test]
    public void Args_env_and_cwd_are_taken_as_they_are_and_an_absent_env_is_empty()
    {
        var spec = WithProcess(p => p with { Args = ["/bin/app", "-x"], Env = ["A=1", "B=2"], Cwd = "/work" });
        Assert.That(spec.Process.Args, Is.EqualTo(new[] { "/bin/app", "-x" }));
        Assert.That(spec.Process.Env, Is.EqualTo(new[] { "A=1", "B=2" }));
        Assert.That(spec.Process.WorkingDirectory, Is.EqualTo("/work"));
        Assert.That(Convert(Base).Process.Env, Is.Empty);
    }

    [Test]
    public void The_standard_streams_pass_through_as_with_runc()
    {
        var p = Convert(Base).Process;
        Assert.That(new[] { p.StandardInput, p.StandardOutput, p.StandardError }, Is.All.EqualTo(Stdio.Inherit));
    }

    [Test]
    public void Terminal_gives_a_terminal_of_the_console_size()
    {
        Assert.That(Convert(Base).Process.Terminal, Is.Null);
        Assert.That(WithProcess(p => p with { Terminal = false, ConsoleSize = new() { Width = 80, Height = 24 } }).Process.Terminal, Is.Null);
        Assert.That(WithProcess(p => p with { Terminal = true }).Process.Terminal, Is.EqualTo(TerminalSpec.Default));
        Assert.That(WithProcess(p => p with { Terminal = true, ConsoleSize = new() { Width = 132, Height = 43 } }).Process.Terminal,
            Is.EqualTo(new TerminalSpec(132, 43)));
    }

    [Test]
    public void A_console_larger_than_a_terminal_can_be_is_refused()
    {
        var errors = RefusedProcess(p => p with { Terminal = true, ConsoleSize = new() { Width = 70000, Height = 24 } });
        Assert.That(errors.Single().ToString(), Is.EqualTo("process.consoleSize: 70000x24 is larger than a terminal can be (65535x65535)"));
    }

    [Test]
    public void User_uid_gid_groups_and_umask_are_the_processs()
    {
        var spec = WithProcess(p => p with { User = new OciUser { Uid = 1000, Gid = 100, AdditionalGids = [5, 20], Umask = 0x3f } });
        Assert.That(spec.Process.User, Is.EqualTo(new ProcessUser(1000, 100, [5, 20])));
        Assert.That(spec.Process.Umask, Is.EqualTo(0x3fu));
        Assert.That(Convert(Base).Process.Umask, Is.EqualTo(0x12u), "absent: 022");
    }

    [Test]
    public void Absent_capabilities_mean_none()
    {
        Assert.That(Convert(Base).Process.Capabilities, Is.EqualTo(CapabilitySpec.None));
    }

    [Test]
    public void Capabilities_are_exactly_the_five_sets_given_and_an_absent_set_is_empty()
    {
        var spec = WithProcess(p => p with
        {
            Capabilities = new OciCapabilities
            {
                Bounding = ["CAP_KILL", "CAP_NET_RAW", "CAP_SYS_ADMIN"], Effective = ["CAP_KILL"], Permitted = ["CAP_KILL", "CAP_NET_RAW"],
                Inheritable = ["CAP_NET_RAW"], Ambient = ["CAP_NET_RAW"],
            },
        });
        Assert.That(spec.Process.Capabilities, Is.EqualTo(new CapabilitySpec(
            CapabilitySet.Of(Capability.Kill, Capability.NetRaw, Capability.SysAdmin), CapabilitySet.Of(Capability.Kill),
            CapabilitySet.Of(Capability.Kill, Capability.NetRaw), CapabilitySet.Of(Capability.NetRaw), CapabilitySet.Of(Capability.NetRaw))));

        var onlyBounding = WithProcess(p => p with { Capabilities = new OciCapabilities { Bounding = ["CAP_CHOWN"] } });
        Assert.That(onlyBounding.Process.Capabilities, Is.EqualTo(new CapabilitySpec(
            CapabilitySet.Of(Capability.Chown), CapabilitySet.Empty, CapabilitySet.Empty, CapabilitySet.Empty, CapabilitySet.Empty)));
    }

    [Test]
    public void Rlimits_no_new_privileges_and_oom_score_adj_are_mapped()
    {
        var spec = WithProcess(p => p with
        {
            Rlimits = [new() { Type = "RLIMIT_NOFILE", Soft = 512, Hard = 1024 }, new() { Type = "RLIMIT_CORE", Soft = 0, Hard = ulong.MaxValue }],
            NoNewPrivileges = true,
            OomScoreAdj = -300,
        });
        Assert.That(spec.Process.Rlimits, Is.EqualTo(new[] { new Rlimit(ResourceLimit.Nofile, 512, 1024), new Rlimit(ResourceLimit.Core, 0, Rlimit.Unlimited) }));
        Assert.That(spec.Process.NoNewPrivileges, Is.True);
        Assert.That(spec.Process.OomScoreAdj, Is.EqualTo(-300));
        Assert.That(Convert(Base).Process.NoNewPrivileges, Is.False);
        Assert.That(Convert(Base).Process.OomScoreAdj, Is.Null);
    }

    [Test]
    public void ToProcessSpec_converts_an_exec_process_alone()
    {
        var process = OciSpecConverter.ToProcessSpec(new OciProcess
        {
            Args = ["ps"], Cwd = "/tmp", Terminal = true, User = new OciUser { Uid = 5, Gid = 6 },
            Capabilities = new OciCapabilities { Bounding = ["CAP_KILL"], Effective = ["CAP_KILL"], Permitted = ["CAP_KILL"] },
        });
        Assert.That(process.Args, Is.EqualTo(new[] { "ps" }));
        Assert.That(process.WorkingDirectory, Is.EqualTo("/tmp"));
        Assert.That(process.Terminal, Is.EqualTo(TerminalSpec.Default));
        Assert.That(process.User, Is.EqualTo(new ProcessUser(5, 6, [])));
        Assert.That(process.Capabilities, Is.EqualTo(CapabilitySpec.Of(CapabilitySet.Of(Capability.Kill))));

        var e = Assert.Throws<ContainerSpecException>(() => OciSpecConverter.ToProcessSpec(new OciProcess { Args = [], Cwd = "/", IoPriority = new() { Class = "IOPRIO_CLASS_BE" } }));
        Assert.That(e!.Errors.Select(x => x.Field), Is.EqualTo(new[] { "process.args" }), "invalid input is reported before refusals");
        e = Assert.Throws<ContainerSpecException>(() => OciSpecConverter.ToProcessSpec(new OciProcess { Args = ["x"], Cwd = "/", IoPriority = new() { Class = "IOPRIO_CLASS_BE" } }));
        Assert.That(e!.Errors.Select(x => x.Field), Is.EqualTo(new[] { "process.ioPriority" }));
    }

    [Test]
    public void AppArmor_and_SELinux_labels_are_carried_over()
    {
        var spec = Convert(Base with
        {
            Process = Base.Process! with { ApparmorProfile = "containers-default-0.50.1", SelinuxLabel = "system_u:system_r:container_t:s0:c1,c2" },
            Linux = Base.Linux! with { MountLabel = "system_u:object_r:container_file_t:s0:c1,c2" },
        });
        Assert.That(spec.Process.AppArmorProfile, Is.EqualTo("containers-default-0.50.1"));
        Assert.That(spec.Process.SelinuxLabel, Is.EqualTo("system_u:system_r:container_t:s0:c1,c2"));
        Assert.That(spec.MountLabel, Is.EqualTo("system_u:object_r:container_file_t:s0:c1,c2"));
        var empty = Convert(Base with { Process = Base.Process! with { ApparmorProfile = "", SelinuxLabel = "" }, Linux = Base.Linux! with { MountLabel = "" } });
        Assert.That((empty.Process.AppArmorProfile, empty.Process.SelinuxLabel, empty.MountLabel), Is.EqualTo(((string?)null, (string?)null, (string?)null)));
    }

    // --- process: refused unless empty or default

    private static IEnumerable<TestCaseData> ProcessRefusals()
    {
        yield return Case(p => p with { Scheduler = new() { Policy = "SCHED_FIFO", Priority = 10 } }, "process.scheduler", "scheduling policies are not supported ('SCHED_FIFO'); only SCHED_OTHER with nice 0, the default");
        yield return Case(p => p with { Scheduler = new() { Policy = "SCHED_OTHER", Nice = 5 } }, "process.scheduler", "scheduling policies are not supported ('SCHED_OTHER'); only SCHED_OTHER with nice 0, the default");
        yield return Case(p => p with { IoPriority = new() { Class = "IOPRIO_CLASS_IDLE", Priority = 7 } }, "process.ioPriority", "I/O priorities are not supported ('IOPRIO_CLASS_IDLE' 7)");
        yield return Case(p => p with { ExecCpuAffinity = new() { Initial = "0" } }, "process.execCPUAffinity", "CPU affinity while executing is not supported");
        yield return Case(p => p with { CommandLine = "app.exe" }, "process.commandLine", "is for Windows; use process.args");
        yield return Case(p => p with { User = new OciUser { Username = "app" } }, "process.user.username", "is for Windows; use process.user.uid");

        static TestCaseData Case(Func<OciProcess, OciProcess> change, string field, string message) =>
            new TestCaseData(change, field, message).SetArgDisplayNames(field + " " + message[..Math.Min(20, message.Length)]);
    }

    [TestCaseSource(nameof(ProcessRefusals))]
    public void A_process_field_this_version_cannot_honour_is_refused_by_name(object change, string field, string message) // object: OciProcess is internal
    {
        Assert.That(RefusedProcess((Func<OciProcess, OciProcess>)change), Is.EqualTo(new[] { new SpecError(field, message) }));
    }

    [Test]
    public void Empty_or_default_values_of_unsupported_process_fields_are_accepted()
    {
        Assert.DoesNotThrow(() => WithProcess(p => p with
        {
            ApparmorProfile = "", SelinuxLabel = "", CommandLine = "", User = new OciUser { Username = "" },
            Scheduler = new() { Policy = "SCHED_OTHER", Nice = 0 }, ExecCpuAffinity = new() { Initial = "", Final = "" },
        }));
        Assert.DoesNotThrow(() => WithProcess(p => p with { ApparmorProfile = "unconfined" }));
    }

    // --- linux

    [Test]
    public void Namespaces_are_created_or_joined_as_listed()
    {
        var spec = WithLinux(l => l with { Namespaces = [new() { Type = "mount" }, new() { Type = "network", Path = "/run/netns/n" }, new() { Type = "cgroup" }] });
        Assert.That(spec.Namespaces.IsNew(NamespaceKind.Mount), Is.True);
        Assert.That(spec.Namespaces[NamespaceKind.Network], Is.EqualTo(NamespaceSetting.Join("/run/netns/n")));
        Assert.That(spec.Namespaces.IsNew(NamespaceKind.Cgroup), Is.True);
        Assert.That(spec.Namespaces[NamespaceKind.Pid], Is.Null, "not listed: the host's");
    }

    [Test]
    public void Id_mappings_give_a_new_user_namespace_its_maps()
    {
        var spec = WithLinux(l => l with
        {
            Namespaces = [.. l.Namespaces!, new() { Type = "user" }],
            UidMappings = [new() { ContainerId = 0, HostId = 100000, Size = 1000 }, new() { ContainerId = 1000, HostId = 1000, Size = 1 }],
            GidMappings = [new() { ContainerId = 0, HostId = 100000, Size = 65536 }],
        });
        Assert.That(spec.Namespaces.IsNew(NamespaceKind.User), Is.True);
        Assert.That(spec.UserNamespace!.UidMappings, Is.EqualTo(new[] { new IdMapping(0, 100000, 1000), new IdMapping(1000, 1000, 1) }));
        Assert.That(spec.UserNamespace.GidMappings, Is.EqualTo(new[] { new IdMapping(0, 100000, 65536) }));
    }

    [Test]
    public void Id_mappings_with_a_joined_user_namespace_are_refused()
    {
        var errors = RefusedLinux(l => l with
        {
            Namespaces = [.. l.Namespaces!, new() { Type = "user", Path = "/proc/1/ns/user" }],
            UidMappings = [new() { ContainerId = 0, HostId = 0, Size = 1 }], GidMappings = [new() { ContainerId = 0, HostId = 0, Size = 1 }],
        });
        Assert.That(errors.Single().Field, Is.EqualTo("linux.uidMappings"));
        Assert.That(errors.Single().Message, Does.Contain("joined user namespace"));
    }

    [Test]
    public void Sysctls_personality_and_time_offsets_are_mapped()
    {
        var spec = WithLinux(l => l with
        {
            Namespaces = [.. l.Namespaces!, new() { Type = "network" }, new() { Type = "time" }],
            Sysctl = new Dictionary<string, string> { ["net.ipv4.ip_forward"] = "1", ["kernel.shmmax"] = "1024" },
            Personality = new() { Domain = "LINUX32" },
            TimeOffsets = new Dictionary<string, OciTimeOffset> { ["monotonic"] = new() { Secs = -5, Nanosecs = 500 }, ["boottime"] = new() { Secs = 86400 } },
        });
        Assert.That(spec.Sysctls, Is.EqualTo(new Dictionary<string, string> { ["kernel.shmmax"] = "1024", ["net.ipv4.ip_forward"] = "1" }));
        Assert.That(spec.Personality, Is.EqualTo(Personality.Linux32));
        Assert.That(spec.TimeOffsets, Is.EqualTo(new TimeOffsets(TimeSpan.FromSeconds(-5) + TimeSpan.FromTicks(5), TimeSpan.FromDays(1))));
        Assert.That(WithLinux(l => l with { Personality = new() { Domain = "LINUX" } }).Personality, Is.EqualTo(Personality.Linux));
        Assert.That(Convert(Base).Personality, Is.Null);
    }

    [Test]
    public void A_time_offset_finer_than_100_ns_is_refused()
    {
        var errors = RefusedLinux(l => l with
        {
            Namespaces = [.. l.Namespaces!, new() { Type = "time" }],
            TimeOffsets = new Dictionary<string, OciTimeOffset> { ["boottime"] = new() { Secs = 1, Nanosecs = 123456789 } },
        });
        Assert.That(errors.Single().ToString(), Is.EqualTo("linux.timeOffsets.boottime.nanosecs: 123456789 is finer than this version keeps (multiples of 100 ns)"));
    }

    [Test]
    public void Devices_are_created_with_their_type_numbers_mode_and_owner_and_defaults_for_what_is_absent()
    {
        var spec = WithLinux(l => l with
        {
            Devices =
            [
                new() { Path = "/dev/fuse", Type = "c", Major = 10, Minor = 229, FileMode = 0x1b6, Uid = 1, Gid = 2 },
                new() { Path = "/dev/sda", Type = "b", Major = 8, Minor = 0 },
                new() { Path = "/dev/ttyU", Type = "u", Major = 4, Minor = 64, FileMode = 0x180 },
                new() { Path = "/dev/fifo", Type = "p" },
            ],
        });
        Assert.That(spec.Filesystem.Devices, Is.EqualTo(new[]
        {
            new DeviceNode("/dev/fuse", DeviceNodeType.Char, 10, 229, 0x1b6, 1, 2),
            new DeviceNode("/dev/sda", DeviceNodeType.Block, 8, 0, 0x1b6),
            new DeviceNode("/dev/ttyU", DeviceNodeType.Char, 4, 64, 0x180),
            new DeviceNode("/dev/fifo", DeviceNodeType.Fifo, 0, 0, 0x1b6),
        }));
    }

    [Test]
    public void Absent_masked_and_read_only_paths_mean_none_not_the_library_defaults()
    {
        var spec = Convert(Base);
        Assert.That(spec.Filesystem.MaskedPaths, Is.Empty);
        Assert.That(spec.Filesystem.ReadonlyPaths, Is.Empty);
        var listed = WithLinux(l => l with { MaskedPaths = ["/proc/kcore", "/etc/secret"], ReadonlyPaths = ["/proc/sys"] });
        Assert.That(listed.Filesystem.MaskedPaths, Is.EqualTo(new[] { "/proc/kcore", "/etc/secret" }));
        Assert.That(listed.Filesystem.ReadonlyPaths, Is.EqualTo(new[] { "/proc/sys" }));
    }

    [TestCase("rslave", MountPropagation.RSlave)]
    [TestCase("private", MountPropagation.Private)]
    [TestCase("runbindable", MountPropagation.RUnbindable)]
    public void Rootfs_propagation_is_mapped(string name, MountPropagation expected)
    {
        Assert.That(WithLinux(l => l with { RootfsPropagation = name }).Filesystem.RootfsPropagation, Is.EqualTo(expected));
    }

    [Test]
    public void Cgroups_path_and_resources_are_mapped_and_a_container_always_has_a_cgroup()
    {
        Assert.That(Convert(Base).Cgroup, Is.Not.Null);
        var spec = WithLinux(l => l with
        {
            CgroupsPath = "/ctrs/x",
            Resources = new OciResources
            {
                Memory = new() { Limit = 1 << 20, Swap = 2 << 20 }, Pids = new() { Limit = 64 },
                Unified = new Dictionary<string, string> { ["memory.high"] = "4096" },
                Devices = [new() { Allow = false, Access = "rwm" }, new() { Allow = true, Type = "c", Major = 10, Minor = 200, Access = "rw" }],
            },
        });
        Assert.That(spec.CgroupsPath, Is.EqualTo("/ctrs/x"));
        Assert.That(spec.Cgroup!.Memory!.Max, Is.EqualTo(1 << 20));
        Assert.That(spec.Cgroup.Memory.MemoryAndSwapMax, Is.EqualTo(2 << 20));
        Assert.That(spec.Cgroup.PidsMax, Is.EqualTo(64));
        Assert.That(spec.Cgroup.Unified, Is.EqualTo(new Dictionary<string, string> { ["memory.high"] = "4096" }));
        Assert.That(spec.Cgroup.Devices!.Select(d => d.ToString()), Is.EqualTo(new[] { "deny a", "allow c 10:200 rw" }),
            "the config's rules (the standard nodes are appended at launch, for every container)");
    }

    [Test]
    public void ToCgroupSpec_converts_resources_alone_for_an_update()
    {
        var cgroup = OciSpecConverter.ToCgroupSpec(new OciResources { Cpu = new() { Quota = 50000, Period = 100000 } });
        Assert.That(cgroup.Cpu!.Quota, Is.EqualTo(50000));
        var e = Assert.Throws<ContainerSpecException>(() => OciSpecConverter.ToCgroupSpec(new OciResources { Memory = new() { UseHierarchy = false } }));
        Assert.That(e!.Errors.Single().Field, Is.EqualTo("linux.resources.memory.useHierarchy"));
    }

    private static IEnumerable<TestCaseData> LinuxRefusals()
    {
        yield return Case(l => l with { Seccomp = JsonDocument.Parse("{\"defaultAction\":\"SCMP_ACT_SOMETIMES\"}").RootElement }, "linux.seccomp.defaultAction",
            "unknown action 'SCMP_ACT_SOMETIMES'");
        yield return Case(l => l with { IntelRdt = new() { ClosId = "gold" } }, "linux.intelRdt", "Intel RDT (resctrl) is not supported");
        yield return Case(l => l with { IntelRdt = new() { EnableCmt = true } }, "linux.intelRdt", "Intel RDT (resctrl) is not supported");
        yield return Case(l => l with { Namespaces = [.. l.Namespaces!, new() { Type = "network" }], NetDevices = new Dictionary<string, OciNetDevice> { ["eth1"] = new() } },
            "linux.netDevices", "moving network devices into the container is not supported");
        yield return Case(l => l with { MemoryPolicy = new() { Mode = "MPOL_BIND", Nodes = "0" } }, "linux.memoryPolicy",
            "NUMA memory policies are not supported ('MPOL_BIND'); only MPOL_DEFAULT");
        yield return Case(l => l with { Resources = new() { Memory = new() { UseHierarchy = false } } }, "linux.resources.memory.useHierarchy",
            "hierarchical accounting cannot be turned off on current kernels");
        yield return Case(l => l with { Resources = new() { Cpu = new() { RealtimeRuntime = 1000 } } }, "linux.resources.cpu.realtimeRuntime", "realtime scheduling limits are not supported");
        yield return Case(l => l with { Resources = new() { Rdma = new Dictionary<string, OciRdma> { ["mlx5_1"] = new() { HcaHandles = 3 } } } }, "linux.resources.rdma", "is not supported");

        static TestCaseData Case(Func<OciLinux, OciLinux> change, string field, string message) =>
            new TestCaseData(change, field, message).SetArgDisplayNames(field + " " + message[..Math.Min(20, message.Length)]);
    }

    [TestCaseSource(nameof(LinuxRefusals))]
    public void A_linux_field_this_version_cannot_honour_is_refused_by_name(object change, string field, string message) // object: OciLinux is internal
    {
        Assert.That(RefusedLinux((Func<OciLinux, OciLinux>)change), Is.EqualTo(new[] { new SpecError(field, message) }));
    }

    [Test]
    public void Empty_or_default_values_of_unsupported_linux_fields_are_accepted()
    {
        Assert.DoesNotThrow(() => WithLinux(l => l with
        {
            MountLabel = "", IntelRdt = new(), NetDevices = new Dictionary<string, OciNetDevice>(),
            MemoryPolicy = new() { Mode = "MPOL_DEFAULT" }, Seccomp = JsonDocument.Parse("null").RootElement,
            Resources = new() { Memory = new() { Kernel = -1, KernelTcp = 0, DisableOomKiller = false, UseHierarchy = true } },
        }));
    }

    // --- mounts

    [Test]
    public void Mounts_replace_the_standard_ones_one_to_one_with_their_options()
    {
        var spec = Convert(Base with
        {
            Mounts =
            [
                new() { Destination = "/proc", Type = "proc", Source = "proc" },
                new() { Destination = "/data", Type = "bind", Source = "/srv/data", Options = ["rbind", "ro", "rslave"] },
                new() { Destination = "/tmp", Type = "tmpfs", Source = "tmpfs", Options = ["nosuid", "size=64k", "huge=within_size"] },
                new() { Destination = "/sys", Type = "none", Source = "/sys", Options = ["rbind", "nosuid", "ro"] },
            ],
        });
        Assert.That(spec.Filesystem.Mounts, Is.EqualTo(new Mount[]
        {
            new("/proc", "proc", "proc"),
            new("/data", "bind", "/srv/data", "rbind", "ro", "rslave"),
            new("/tmp", "tmpfs", "tmpfs", "nosuid", "size=64k", "huge=within_size"),
            new("/sys", "none", "/sys", "rbind", "nosuid", "ro"),
        }));
        Assert.That(spec.Filesystem.Mounts[3].IsBind, Is.True, "a bind by its options whatever its type");
        Assert.That(Convert(Base).Filesystem.Mounts, Is.Empty, "no mounts listed: none made");
    }

    [Test]
    public void Id_mapped_mounts_are_refused_naming_the_mount()
    {
        var errors = Refused(Base with
        {
            Mounts = [new() { Destination = "/data", Type = "bind", Source = "/srv", Options = ["rbind"], UidMappings = [new() { Size = 1 }], GidMappings = [new() { Size = 1 }] }],
        });
        Assert.That(errors.Single().ToString(), Is.EqualTo("mounts[0].uidMappings: id-mapped mounts are not supported by this version (/data)"));
    }

    // --- hooks, and everything at once

    [Test]
    public void Every_hook_stage_converts_and_maps_to_a_container_hook()
    {
        var hook = new OciHook { Path = "/bin/hook", Args = ["hook", "-x"], Env = ["A=1"], Timeout = 3 };
        Assert.DoesNotThrow(() => Convert(Base with
        {
            Hooks = new OciHooks { Prestart = [hook], CreateRuntime = [hook], CreateContainer = [hook], StartContainer = [hook], Poststart = [hook], Poststop = [hook] },
        }));
        var mapped = hook.ToContainerHook();
        Assert.That(mapped.Path, Is.EqualTo("/bin/hook"));
        Assert.That(mapped.Args, Is.EqualTo(new[] { "hook", "-x" }));
        Assert.That(mapped.Environment, Is.EqualTo(new[] { "A=1" }));
        Assert.That(mapped.Timeout, Is.EqualTo(TimeSpan.FromSeconds(3)));
    }

    [Test]
    public void A_document_with_every_field_lists_every_refusal_at_once()
    {
        var e = Assert.Throws<ContainerSpecException>(() => Convert(OciConfig.Load(OciTestData.PathOf("every-field.json"))));

        Assert.That(e!.Errors.Select(x => x.Field), Is.EquivalentTo(new[]
        {
            "process.scheduler", "process.ioPriority", "process.execCPUAffinity",
            "process.commandLine", "process.user.username", "linux.timeOffsets.boottime.nanosecs",
            "linux.intelRdt", "linux.netDevices", "linux.memoryPolicy",
            "linux.resources.cpu.realtimeRuntime", "linux.resources.rdma", "mounts[1].uidMappings",
        }));
    }

    [Test]
    public void An_invalid_document_is_reported_before_any_refusal()
    {
        var e = Assert.Throws<ContainerSpecException>(() => Convert(Base with { OciVersion = "", Process = Base.Process! with { IoPriority = new() { Class = "IOPRIO_CLASS_BE" } } }));
        Assert.That(e!.Errors.Select(x => x.Field), Is.EqualTo(new[] { "ociVersion" }));
    }

    [Test]
    public void FromOci_is_the_converter()
    {
        var spec = ContainerSpec.FromOci(Base with { Hostname = "via-from-oci" }, "/bundle");
        Assert.That((spec.Rootfs, spec.Hostname), Is.EqualTo((new RootfsSpec.Directory("/bundle/rootfs") as RootfsSpec, "via-from-oci")));
        Assert.Throws<ContainerSpecException>(() => ContainerSpec.FromOci(Base with { Linux = Base.Linux! with { IntelRdt = new() { ClosId = "gold" } } }, "/bundle"));
    }

    [Test]
    public void Ambient_capabilities_that_are_not_permitted_and_inheritable_are_skipped_as_runc_does()
    {
        // `runc spec` (1.1) lists KILL, NET_BIND_SERVICE and AUDIT_WRITE as ambient with no inheritable set.
        var spec = WithProcess(p => p with
        {
            Capabilities = new OciCapabilities
            {
                Bounding = ["CAP_KILL", "CAP_CHOWN"], Permitted = ["CAP_KILL", "CAP_CHOWN"], Inheritable = ["CAP_CHOWN"],
                Ambient = ["CAP_KILL", "CAP_CHOWN"],
            },
        });
        Assert.That(spec.Process.Capabilities.Ambient, Is.EqualTo(Containment.Capabilities.CapabilitySet.Of(Containment.Capabilities.Capability.Chown)));
        Assert.That(spec.Validate().Where(e => e.Field.StartsWith("process.capabilities")), Is.Empty);
    }
}
