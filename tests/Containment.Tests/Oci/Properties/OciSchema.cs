using static Containment.Tests.Oci.Properties.Shape;

namespace Containment.Tests.Oci.Properties;

/// <summary>
/// Every field of the OCI config.json model (src/Containment/Oci/Model) and of the seccomp profile
/// (Seccomp/Json), with plausible values: the ones real configs hold, the edges of each range, and the
/// mistakes people make (relative paths, <c>..</c>, unknown names).
/// </summary>
internal static class OciSchema
{
    private static readonly string[] AbsolutePaths = ["/", "/proc", "/dev/null", "/tmp", "/srv/data", "/a/../../etc", "/dev/pts/ptmx", "/x/./y//z"];
    private static readonly string[] Paths = [.. AbsolutePaths, "relative", "../escape", "rootfs", "./rootfs", ""];

    private static Shape PathStr => Str(Paths);

    private static readonly Shape IdMapping = Obj(("containerID", Num(NumberKind.UInt)), ("hostID", Num(NumberKind.UInt)), ("size", Num(NumberKind.UInt)));

    private static readonly Shape Capabilities = List(Str("CAP_CHOWN", "CAP_KILL", "CAP_SYS_ADMIN", "CAP_NET_BIND_SERVICE",
        "CAP_AUDIT_WRITE", "CAP_BPF", "cap_kill", "KILL", "CAP_BOGUS", "CAP_LAST_CAP"), 6);

    private static readonly Shape Env = List(Str("PATH=/usr/bin:/bin", "TERM=xterm", "A=", "=B", "NOEQUALS", "LANG=C.UTF-8"));

    private static readonly Shape Process = Obj(
        ("terminal", Bool),
        ("consoleSize", Obj(("height", Num(NumberKind.UInt)), ("width", Num(NumberKind.UInt)))),
        ("user", Obj(("uid", Num(NumberKind.UInt)), ("gid", Num(NumberKind.UInt)), ("umask", Num(NumberKind.UInt)),
            ("additionalGids", List(Num(NumberKind.UInt))), ("username", Str("", "app", "root")))),
        ("args", List(Str("sh", "/bin/sh", "-c", "true", "", "echo", "/app/server"))),
        ("commandLine", Str("", "server.exe --port 8080")),
        ("env", Env),
        ("cwd", PathStr),
        ("capabilities", Obj(("bounding", Capabilities), ("effective", Capabilities), ("inheritable", Capabilities),
            ("permitted", Capabilities), ("ambient", Capabilities))),
        ("rlimits", List(Obj(("type", Str("RLIMIT_NOFILE", "RLIMIT_CORE", "RLIMIT_NPROC", "RLIMIT_BOGUS", "nofile")),
            ("hard", Num(NumberKind.ULong)), ("soft", Num(NumberKind.ULong))))),
        ("noNewPrivileges", Bool),
        ("apparmorProfile", Str("", "unconfined", "docker-default")),
        ("oomScoreAdj", Num(NumberKind.Int)),
        ("scheduler", Obj(("policy", Str("SCHED_OTHER", "SCHED_FIFO", "SCHED_DEADLINE", "SCHED_BOGUS")), ("nice", Num(NumberKind.Int)),
            ("priority", Num(NumberKind.Int)), ("flags", List(Str("SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_BOGUS"))),
            ("runtime", Num(NumberKind.ULong)), ("deadline", Num(NumberKind.ULong)), ("period", Num(NumberKind.ULong)))),
        ("selinuxLabel", Str("", "system_u:system_r:container_t:s0")),
        ("ioPriority", Obj(("class", Str("IOPRIO_CLASS_BE", "IOPRIO_CLASS_RT", "bogus")), ("priority", Num(NumberKind.Int)))),
        ("execCPUAffinity", Obj(("initial", Str("0", "0-1", "", "3-1", "x")), ("final", Str("0", "0-3,7", "-1")))));

    private static readonly Shape Mount = Obj(
        ("destination", PathStr),
        ("type", Str("proc", "tmpfs", "bind", "none", "sysfs", "devpts", "mqueue", "cgroup", "")),
        ("source", Str([.. Paths, "proc", "tmpfs", "none"])),
        ("options", List(Str("nosuid", "noexec", "nodev", "rbind", "bind", "ro", "rw", "rprivate", "mode=755", "size=65536k",
            "strictatime", "idmap", "", "newinstance", "ptmxmode=0666", "gid=5", "bogus"), 6)),
        ("uidMappings", List(IdMapping, 2)),
        ("gidMappings", List(IdMapping, 2)));

    private static readonly Shape Hook = Obj(("path", PathStr), ("args", List(Str("hook", "-x", ""))), ("env", Env), ("timeout", Num(NumberKind.Int)));

    private static readonly Shape Device = Obj(("path", PathStr), ("type", Str("c", "b", "u", "p", "x", "")),
        ("major", Num(NumberKind.Long)), ("minor", Num(NumberKind.Long)), ("fileMode", Num(NumberKind.UInt)),
        ("uid", Num(NumberKind.UInt)), ("gid", Num(NumberKind.UInt)));

    private static readonly Shape Throttle = List(Obj(("major", Num(NumberKind.Long)), ("minor", Num(NumberKind.Long)), ("rate", Num(NumberKind.ULong))), 2);

    private static readonly Shape Resources = Obj(
        ("devices", List(Obj(("allow", Bool), ("type", Str("a", "c", "b", "x", "")), ("major", Num(NumberKind.Long)),
            ("minor", Num(NumberKind.Long)), ("access", Str("rwm", "r", "", "rwx"))))),
        ("memory", Obj(("limit", Num(NumberKind.Long)), ("reservation", Num(NumberKind.Long)), ("swap", Num(NumberKind.Long)),
            ("kernel", Num(NumberKind.Long)), ("kernelTCP", Num(NumberKind.Long)), ("swappiness", Num(NumberKind.ULong)),
            ("disableOOMKiller", Bool), ("useHierarchy", Bool), ("checkBeforeUpdate", Bool))),
        ("cpu", Obj(("shares", Num(NumberKind.ULong)), ("quota", Num(NumberKind.Long)), ("burst", Num(NumberKind.ULong)),
            ("period", Num(NumberKind.ULong)), ("realtimeRuntime", Num(NumberKind.Long)), ("realtimePeriod", Num(NumberKind.ULong)),
            ("cpus", Str("0", "0-1", "0-3,7", "", "1-0", "a")), ("mems", Str("0", "0-1", "")), ("idle", Num(NumberKind.Long)))),
        ("pids", Obj(("limit", Num(NumberKind.Long)))),
        ("blockIO", Obj(("weight", Num(NumberKind.UShort)), ("leafWeight", Num(NumberKind.UShort)),
            ("weightDevice", List(Obj(("major", Num(NumberKind.Long)), ("minor", Num(NumberKind.Long)),
                ("weight", Num(NumberKind.UShort)), ("leafWeight", Num(NumberKind.UShort))), 2)),
            ("throttleReadBpsDevice", Throttle), ("throttleWriteBpsDevice", Throttle),
            ("throttleReadIOPSDevice", Throttle), ("throttleWriteIOPSDevice", Throttle))),
        ("hugepageLimits", List(Obj(("pageSize", Str("2MB", "1GB", "64KB", "2mb", "0MB", "")), ("limit", Num(NumberKind.ULong))), 2)),
        ("network", Obj(("classID", Num(NumberKind.UInt)), ("priorities", List(Obj(("name", Str("eth0", "lo", "")), ("priority", Num(NumberKind.UInt))), 2)))),
        ("rdma", Map(["mlx5_0", "", "x"], Obj(("hcaHandles", Num(NumberKind.UInt)), ("hcaObjects", Num(NumberKind.UInt))))),
        ("unified", Map(["memory.high", "pids.max", "cpu.weight", "io.max", "../escape", "nodot", "", "cgroup.procs"],
            Str("max", "1G", "100", "", "8:0 rbps=1"))));

    private static readonly string[] Actions =
        ["SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_TRAP", "SCMP_ACT_LOG",
         "SCMP_ACT_TRACE", "SCMP_ACT_NOTIFY", "SCMP_ACT_BOGUS", "allow", ""];

    private static readonly string[] Arches =
        ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", "SCMP_ARCH_RISCV64",
         "SCMP_ARCH_S390X", "SCMP_ARCH_BOGUS", "x86_64", ""];

    private static readonly Shape ArchFilter = Obj(("caps", Capabilities), ("arches", List(Str(Arches), 2)), ("minKernel", Str("4.8", "", "x")));

    /// <summary>A seccomp profile: the OCI linux.seccomp object with Docker's extensions.</summary>
    public static readonly Shape Seccomp = Obj(
        ("defaultAction", Str(Actions)),
        ("defaultErrnoRet", Num(NumberKind.UInt)),
        ("architectures", List(Str(Arches), 3)),
        ("archMap", List(Obj(("architecture", Str(Arches)), ("subArchitectures", List(Str(Arches), 2))), 2)),
        ("flags", List(Str("SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
            "SECCOMP_FILTER_FLAG_NEW_LISTENER", "SECCOMP_FILTER_FLAG_BOGUS"), 2)),
        ("listenerPath", PathStr),
        ("listenerMetadata", Str("", "meta")),
        ("syscalls", List(Obj(
            ("names", List(Str("read", "write", "openat", "mount", "clone", "clone3", "personality", "socket", "bogus_call", ""), 4)),
            ("name", Str("read", "bogus_call")),
            ("action", Str(Actions)),
            ("errnoRet", Num(NumberKind.UInt)),
            ("args", List(Obj(("index", Num(NumberKind.Long)), ("value", Num(NumberKind.ULong)), ("valueTwo", Num(NumberKind.ULong)),
                ("op", Str("SCMP_CMP_EQ", "SCMP_CMP_NE", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_GT", "SCMP_CMP_BOGUS", ""))), 3)),
            ("comment", Str("", "why")),
            ("includes", ArchFilter),
            ("excludes", ArchFilter)), 6)));

    private static readonly Shape Linux = Obj(
        ("uidMappings", List(IdMapping, 3)),
        ("gidMappings", List(IdMapping, 3)),
        ("sysctl", Map(["net.ipv4.ip_forward", "kernel.shmmax", "fs.mqueue.msg_max", "kernel.hostname", "vm.swappiness",
            "net/core/somaxconn", "", "kernel.domainname"], Str("1", "0", "", "x"))),
        ("resources", Resources),
        ("cgroupsPath", Str([.. Paths, "system.slice:containment:abc", "/containment/abc"])),
        ("namespaces", List(Obj(("type", Str("pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time", "bogus", "")),
            ("path", Str([.. Paths, "/proc/1/ns/net", "/proc/self/ns/pid"]))), 9)),
        ("devices", List(Device, 3)),
        ("netDevices", Map(["eth0", "", "a/b", "verylonginterfacename"], Obj(("name", Str("eth1", "", "x y"))))),
        ("seccomp", Seccomp),
        ("rootfsPropagation", Str("private", "rprivate", "shared", "rslave", "unbindable", "", "bogus")),
        ("maskedPaths", List(PathStr)),
        ("readonlyPaths", List(PathStr)),
        ("mountLabel", Str("", "system_u:object_r:container_file_t:s0")),
        ("intelRdt", Obj(("closID", Str("", "grp", "..", "a/b")), ("schemata", Str("", "L3:0=ff")), ("l3CacheSchema", Str("", "L3:0=7f0")),
            ("memBwSchema", Str("", "MB:0=20", "L3:0")), ("enableCMT", Bool), ("enableMBM", Bool))),
        ("personality", Obj(("domain", Str("LINUX", "LINUX32", "", "bogus")), ("flags", List(Str("", "x"), 2)))),
        ("timeOffsets", Map(["monotonic", "boottime", "realtime", ""], Obj(("secs", Num(NumberKind.Long)), ("nanosecs", Num(NumberKind.UInt))))),
        ("memoryPolicy", Obj(("mode", Str("MPOL_DEFAULT", "MPOL_BIND", "MPOL_LOCAL", "MPOL_BOGUS", "")), ("nodes", Str("", "0", "0-3", "x")),
            ("flags", List(Str("MPOL_F_STATIC_NODES", "MPOL_F_BOGUS"), 2)))));

    private static readonly Shape Hooks = Obj(("prestart", List(Hook, 2)), ("createRuntime", List(Hook, 2)), ("createContainer", List(Hook, 2)),
        ("startContainer", List(Hook, 2)), ("poststart", List(Hook, 2)), ("poststop", List(Hook, 2)));

    /// <summary>config.json.</summary>
    public static readonly Shape Config = Obj(
        ("ociVersion", Str("1.2.1", "1.0.0", "1.2.0-rc.1+dev", "2.0.0", "1.2", "v1.2.1", "")),
        ("process", Process),
        ("root", Obj(("path", Str([.. Paths, PropertyBundle.RootfsName])), ("readonly", Bool))),
        ("hostname", Str("box", "", new string('h', 65))),
        ("domainname", Str("example.org", "")),
        ("mounts", List(Mount, 6)),
        ("hooks", Hooks),
        ("annotations", Map(["com.example.key", "", "io.kubernetes.cri.container-type"], Str("value", ""))),
        ("linux", Linux));

    /// <summary>The OCI state document (<c>state</c> on standard output, hooks' standard input).</summary>
    public static readonly Shape State = Obj(
        ("ociVersion", Str("1.2.1", "")), ("id", Str("abc", "", "../x")), ("status", Str("creating", "created", "running", "stopped", "bogus")),
        ("pid", Num(NumberKind.Int)), ("bundle", PathStr), ("annotations", Map(["a", ""], Str("b", ""))));
}
