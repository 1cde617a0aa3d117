namespace Containment.Seccomp;

public sealed partial class SeccompProfile
{
    private const ulong AfVsock = 40;

    /// <summary>CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET.</summary>
    private const ulong CloneNamespaceFlags = 0x7E020000;

    private static readonly string[] DefaultAllowed = """
        accept accept4 access adjtimex alarm bind brk cachestat capget capset chdir chmod chown chown32
        clock_adjtime clock_adjtime64 clock_getres clock_getres_time64 clock_gettime clock_gettime64 clock_nanosleep
        clock_nanosleep_time64 close close_range connect copy_file_range creat dup dup2 dup3 epoll_create epoll_create1
        epoll_ctl epoll_ctl_old epoll_pwait epoll_pwait2 epoll_wait epoll_wait_old eventfd eventfd2 execve execveat exit
        exit_group faccessat faccessat2 fadvise64 fadvise64_64 fallocate fanotify_mark fchdir fchmod fchmodat fchmodat2
        fchown fchown32 fchownat fcntl fcntl64 fdatasync fgetxattr flistxattr flock fork fremovexattr fsetxattr fstat
        fstat64 fstatat64 fstatfs fstatfs64 fsync ftruncate ftruncate64 futex futex_requeue futex_time64 futex_wait
        futex_waitv futex_wake futimesat getcpu getcwd getdents getdents64 getegid getegid32 geteuid geteuid32 getgid
        getgid32 getgroups getgroups32 getitimer getpeername getpgid getpgrp getpid getppid getpriority getrandom
        getresgid getresgid32 getresuid getresuid32 getrlimit get_robust_list getrusage getsid getsockname getsockopt
        get_thread_area gettid gettimeofday getuid getuid32 getxattr inotify_add_watch inotify_init inotify_init1
        inotify_rm_watch io_cancel ioctl io_destroy io_getevents io_pgetevents io_pgetevents_time64 ioprio_get
        ioprio_set io_setup io_submit ipc kill landlock_add_rule landlock_create_ruleset landlock_restrict_self lchown
        lchown32 lgetxattr link linkat listen listxattr llistxattr _llseek lremovexattr lseek lsetxattr lstat lstat64
        madvise map_shadow_stack membarrier memfd_create memfd_secret mincore mkdir mkdirat mknod mknodat mlock mlock2
        mlockall mmap mmap2 mprotect mq_getsetattr mq_notify mq_open mq_timedreceive mq_timedreceive_time64 mq_timedsend
        mq_timedsend_time64 mq_unlink mremap mseal msgctl msgget msgrcv msgsnd msync munlock munlockall munmap
        name_to_handle_at nanosleep newfstatat _newselect open openat openat2 pause pidfd_open pidfd_send_signal pipe
        pipe2 pkey_alloc pkey_free pkey_mprotect poll ppoll ppoll_time64 prctl pread64 preadv preadv2 prlimit64
        process_mrelease pselect6 pselect6_time64 pwrite64 pwritev pwritev2 read readahead readlink readlinkat readv recv
        recvfrom recvmmsg recvmmsg_time64 recvmsg remap_file_pages removexattr rename renameat renameat2 restart_syscall
        rmdir rseq rt_sigaction rt_sigpending rt_sigprocmask rt_sigqueueinfo rt_sigreturn rt_sigsuspend rt_sigtimedwait
        rt_sigtimedwait_time64 rt_tgsigqueueinfo sched_getaffinity sched_getattr sched_getparam sched_get_priority_max
        sched_get_priority_min sched_getscheduler sched_rr_get_interval sched_rr_get_interval_time64 sched_setaffinity
        sched_setattr sched_setparam sched_setscheduler sched_yield seccomp select semctl semget semop semtimedop
        semtimedop_time64 send sendfile sendfile64 sendmmsg sendmsg sendto setfsgid setfsgid32 setfsuid setfsuid32 setgid
        setgid32 setgroups setgroups32 setitimer setpgid setpriority setregid setregid32 setresgid setresgid32 setresuid
        setresuid32 setreuid setreuid32 setrlimit set_robust_list setsid setsockopt set_thread_area set_tid_address
        setuid setuid32 setxattr shmat shmctl shmdt shmget shutdown sigaltstack signalfd signalfd4 sigprocmask sigreturn
        socketcall socketpair splice stat stat64 statfs statfs64 statx symlink symlinkat sync sync_file_range syncfs
        sysinfo tee tgkill time timer_create timer_delete timer_getoverrun timer_gettime timer_gettime64 timer_settime
        timer_settime64 timerfd_create timerfd_gettime timerfd_gettime64 timerfd_settime timerfd_settime64 times tkill
        truncate truncate64 ugetrlimit umask uname unlink unlinkat utime utimensat utimensat_time64 utimes vfork vmsplice
        wait4 waitid waitpid write writev
        ptrace process_vm_readv process_vm_writev
        """.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// The widely used container default (the behaviour of Docker's, containerd's and Podman's profile): calls fail
    /// with EPERM unless allowed; about 350 ordinary calls are allowed; calls that need a capability are allowed only
    /// to containers that have it (for example <c>mount</c>, <c>unshare</c>, <c>setns</c> with CAP_SYS_ADMIN);
    /// <c>clone</c> may not create namespaces and <c>clone3</c> fails with ENOSYS (so libc falls back to <c>clone</c>)
    /// without CAP_SYS_ADMIN; <c>personality</c> accepts only the harmless personas; <c>socket(AF_VSOCK)</c> is refused;
    /// <c>keyctl</c>, <c>add_key</c>, <c>request_key</c>, <c>userfaultfd</c>, <c>io_uring_*</c> and other rarely needed,
    /// often exploited calls are refused. Covers every ABI the machine can run (x86_64 with x86 and x32, aarch64 with
    /// arm, riscv64, ppc64le, s390x).
    /// </summary>
    public static SeccompProfile Default { get; } = BuildDefault(); // after DefaultAllowed: initializers run in order

    private static SeccompProfile BuildDefault()
    {
        var rules = new List<SeccompRule>
        {
            new(DefaultAllowed, SeccompAction.Allow),
            // socket(2) for every family but AF_VSOCK (host/guest sockets reach outside the container).
            new(["socket"], SeccompAction.Allow, args: [new(0, SeccompArgOperator.NotEqual, AfVsock)]),
        };
        // personality(2): only PER_LINUX, PER_LINUX32, UNAME26, PER_LINUX32|UNAME26 and the query 0xffffffff.
        foreach (var persona in (ulong[])[0x0, 0x8, 0x20000, 0x20008, 0xffffffff])
            rules.Add(new(["personality"], SeccompAction.Allow, args: [new(0, SeccompArgOperator.Equal, persona)]));

        // Architecture-private calls.
        rules.Add(ForArches(["arm_fadvise64_64", "arm_sync_file_range", "sync_file_range2", "breakpoint", "cacheflush", "set_tls"],
            SeccompArchitecture.Arm, SeccompArchitecture.Aarch64));
        rules.Add(ForArches(["arch_prctl"], SeccompArchitecture.X86_64, SeccompArchitecture.X32));
        rules.Add(ForArches(["modify_ldt"], SeccompArchitecture.X86_64, SeccompArchitecture.X32, SeccompArchitecture.X86));
        rules.Add(ForArches(["s390_pci_mmio_read", "s390_pci_mmio_write", "s390_runtime_instr"], SeccompArchitecture.S390x, SeccompArchitecture.S390));
        rules.Add(ForArches(["riscv_flush_icache"], SeccompArchitecture.Riscv64));

        // Calls allowed to containers holding a capability.
        rules.Add(WithCap("CAP_DAC_READ_SEARCH", "open_by_handle_at"));
        rules.Add(WithCap("CAP_SYS_ADMIN", "bpf", "clone", "clone3", "fanotify_init", "fsconfig", "fsmount", "fsopen", "fspick",
            "lookup_dcookie", "mount", "mount_setattr", "move_mount", "open_tree", "perf_event_open", "quotactl", "quotactl_fd",
            "setdomainname", "sethostname", "setns", "syslog", "umount", "umount2", "unshare"));
        // Without CAP_SYS_ADMIN: clone(2) may not create namespaces (the flags are argument 0, argument 1 on s390)...
        rules.Add(new SeccompRule(["clone"], SeccompAction.Allow, args: [new(0, SeccompArgOperator.MaskedEqual, CloneNamespaceFlags, 0)])
        {
            ExcludedCapabilities = ["CAP_SYS_ADMIN"],
            ExcludedArchitectures = [SeccompArchitecture.S390x, SeccompArchitecture.S390],
        });
        rules.Add(new SeccompRule(["clone"], SeccompAction.Allow, args: [new(1, SeccompArgOperator.MaskedEqual, CloneNamespaceFlags, 0)])
        {
            ExcludedCapabilities = ["CAP_SYS_ADMIN"],
            IncludedArchitectures = [SeccompArchitecture.S390x, SeccompArchitecture.S390],
        });
        // ...and clone3(2), whose flags a filter cannot read, fails with ENOSYS so that libc falls back to clone(2).
        rules.Add(new SeccompRule(["clone3"], SeccompAction.Errno, SeccompReturn.ENOSYS) { ExcludedCapabilities = ["CAP_SYS_ADMIN"] });
        rules.Add(WithCap("CAP_SYS_BOOT", "reboot"));
        rules.Add(WithCap("CAP_SYS_CHROOT", "chroot"));
        rules.Add(WithCap("CAP_SYS_MODULE", "delete_module", "init_module", "finit_module"));
        rules.Add(WithCap("CAP_SYS_PACCT", "acct"));
        rules.Add(WithCap("CAP_SYS_PTRACE", "kcmp", "pidfd_getfd", "process_madvise", "process_vm_readv", "process_vm_writev", "ptrace"));
        rules.Add(WithCap("CAP_SYS_RAWIO", "iopl", "ioperm"));
        rules.Add(WithCap("CAP_SYS_TIME", "settimeofday", "stime", "clock_settime", "clock_settime64"));
        rules.Add(WithCap("CAP_SYS_TTY_CONFIG", "vhangup"));
        rules.Add(WithCap("CAP_SYS_NICE", "get_mempolicy", "mbind", "set_mempolicy", "set_mempolicy_home_node"));
        rules.Add(WithCap("CAP_SYSLOG", "syslog"));
        rules.Add(WithCap("CAP_BPF", "bpf"));
        rules.Add(WithCap("CAP_PERFMON", "perf_event_open"));

        return new SeccompProfile(SeccompAction.Errno, SeccompReturn.EPERM,
            [
                SeccompArchitecture.X86_64, SeccompArchitecture.X86, SeccompArchitecture.X32, SeccompArchitecture.Aarch64,
                SeccompArchitecture.Arm, SeccompArchitecture.Riscv64, SeccompArchitecture.Ppc64le, SeccompArchitecture.S390x,
            ],
            SeccompFilterFlags.None, null, null, rules);

        static SeccompRule ForArches(string[] names, params SeccompArchitecture[] arches) =>
            new(names, SeccompAction.Allow) { IncludedArchitectures = arches };

        static SeccompRule WithCap(string cap, params string[] names) =>
            new(names, SeccompAction.Allow) { IncludedCapabilities = [cap] };
    }
}
