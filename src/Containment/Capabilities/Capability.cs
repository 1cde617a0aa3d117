namespace Containment.Capabilities;

/// <summary>
/// A Linux capability, numbered as the kernel numbers it (<c>include/uapi/linux/capability.h</c>). Its OCI
/// name is <c>CAP_</c> followed by the upper-case name: see <see cref="CapabilityNames"/>.
/// </summary>
public enum Capability
{
    /// <summary><c>CAP_CHOWN</c>: change file owners and groups.</summary>
    Chown = 0,
    /// <summary><c>CAP_DAC_OVERRIDE</c>: bypass file read, write and execute permission checks.</summary>
    DacOverride = 1,
    /// <summary><c>CAP_DAC_READ_SEARCH</c>: bypass file read and directory search checks; <c>open_by_handle_at</c>.</summary>
    DacReadSearch = 2,
    /// <summary><c>CAP_FOWNER</c>: bypass checks that need the caller to own the file.</summary>
    Fowner = 3,
    /// <summary><c>CAP_FSETID</c>: keep set-user-ID and set-group-ID bits when a file is modified.</summary>
    Fsetid = 4,
    /// <summary><c>CAP_KILL</c>: send signals to any process.</summary>
    Kill = 5,
    /// <summary><c>CAP_SETGID</c>: change group ids; write gid maps.</summary>
    Setgid = 6,
    /// <summary><c>CAP_SETUID</c>: change user ids; write uid maps.</summary>
    Setuid = 7,
    /// <summary><c>CAP_SETPCAP</c>: change the bounding set and securebits; grant inheritable capabilities.</summary>
    Setpcap = 8,
    /// <summary><c>CAP_LINUX_IMMUTABLE</c>: set the immutable and append-only file attributes.</summary>
    LinuxImmutable = 9,
    /// <summary><c>CAP_NET_BIND_SERVICE</c>: bind ports below 1024.</summary>
    NetBindService = 10,
    /// <summary><c>CAP_NET_BROADCAST</c>: broadcast and listen to multicast (unused by the kernel).</summary>
    NetBroadcast = 11,
    /// <summary><c>CAP_NET_ADMIN</c>: configure interfaces, routes, firewalls.</summary>
    NetAdmin = 12,
    /// <summary><c>CAP_NET_RAW</c>: raw and packet sockets.</summary>
    NetRaw = 13,
    /// <summary><c>CAP_IPC_LOCK</c>: lock memory.</summary>
    IpcLock = 14,
    /// <summary><c>CAP_IPC_OWNER</c>: bypass System V IPC permission checks.</summary>
    IpcOwner = 15,
    /// <summary><c>CAP_SYS_MODULE</c>: load and unload kernel modules.</summary>
    SysModule = 16,
    /// <summary><c>CAP_SYS_RAWIO</c>: I/O port operations, <c>/dev/mem</c>.</summary>
    SysRawio = 17,
    /// <summary><c>CAP_SYS_CHROOT</c>: <c>chroot</c>, and changing mount namespaces with <c>setns</c>.</summary>
    SysChroot = 18,
    /// <summary><c>CAP_SYS_PTRACE</c>: trace any process.</summary>
    SysPtrace = 19,
    /// <summary><c>CAP_SYS_PACCT</c>: process accounting.</summary>
    SysPacct = 20,
    /// <summary><c>CAP_SYS_ADMIN</c>: mount, and a great many administrative operations.</summary>
    SysAdmin = 21,
    /// <summary><c>CAP_SYS_BOOT</c>: reboot, <c>kexec_load</c>.</summary>
    SysBoot = 22,
    /// <summary><c>CAP_SYS_NICE</c>: raise priority, set real-time scheduling and CPU affinity of any process.</summary>
    SysNice = 23,
    /// <summary><c>CAP_SYS_RESOURCE</c>: override resource limits and quotas, lower <c>oom_score_adj</c>.</summary>
    SysResource = 24,
    /// <summary><c>CAP_SYS_TIME</c>: set the system clock; write time namespace offsets.</summary>
    SysTime = 25,
    /// <summary><c>CAP_SYS_TTY_CONFIG</c>: <c>vhangup</c> and privileged terminal ioctls.</summary>
    SysTtyConfig = 26,
    /// <summary><c>CAP_MKNOD</c>: create device nodes.</summary>
    Mknod = 27,
    /// <summary><c>CAP_LEASE</c>: take file leases on any file.</summary>
    Lease = 28,
    /// <summary><c>CAP_AUDIT_WRITE</c>: write to the kernel audit log.</summary>
    AuditWrite = 29,
    /// <summary><c>CAP_AUDIT_CONTROL</c>: configure kernel auditing.</summary>
    AuditControl = 30,
    /// <summary><c>CAP_SETFCAP</c>: set file capabilities; map uid 0 in a user namespace.</summary>
    Setfcap = 31,
    /// <summary><c>CAP_MAC_OVERRIDE</c>: override mandatory access control (Smack).</summary>
    MacOverride = 32,
    /// <summary><c>CAP_MAC_ADMIN</c>: configure mandatory access control (Smack).</summary>
    MacAdmin = 33,
    /// <summary><c>CAP_SYSLOG</c>: privileged <c>syslog</c> operations.</summary>
    Syslog = 34,
    /// <summary><c>CAP_WAKE_ALARM</c>: set alarms that wake the system.</summary>
    WakeAlarm = 35,
    /// <summary><c>CAP_BLOCK_SUSPEND</c>: prevent system suspend.</summary>
    BlockSuspend = 36,
    /// <summary><c>CAP_AUDIT_READ</c>: read the audit log over multicast netlink.</summary>
    AuditRead = 37,
    /// <summary><c>CAP_PERFMON</c>: performance monitoring (Linux 5.8).</summary>
    Perfmon = 38,
    /// <summary><c>CAP_BPF</c>: privileged BPF operations (Linux 5.8).</summary>
    Bpf = 39,
    /// <summary><c>CAP_CHECKPOINT_RESTORE</c>: checkpoint/restore operations (Linux 5.9).</summary>
    CheckpointRestore = 40,
}
