namespace Containment.IntegrationTests.Seccomp;

/// <summary>
/// A default profile as container engines shipped it before 2021 (written here by hand, in their format): default
/// ERRNO, an allow list that predates <c>close_range</c>, <c>clone3</c>, <c>openat2</c>, <c>faccessat2</c>,
/// <c>pidfd_*</c>, <c>rseq</c>, and <c>clone</c> allowed without namespace flags. Profiles like it are still embedded by
/// older generators, in images and in Kubernetes <c>localhost/</c> profiles.
/// </summary>
internal static class OldDockerProfile
{
    private const string Names = """
        accept accept4 access adjtimex alarm arch_prctl bind brk capget capset chdir chmod chown clock_adjtime
        clock_getres clock_gettime clock_nanosleep close connect copy_file_range creat dup dup2 dup3 epoll_create
        epoll_create1 epoll_ctl epoll_pwait epoll_wait eventfd eventfd2 execve execveat exit exit_group faccessat fadvise64
        fallocate fanotify_mark fchdir fchmod fchmodat fchown fchownat fcntl fdatasync fgetxattr flistxattr flock fork
        fremovexattr fsetxattr fstat fstatfs fsync ftruncate futex futimesat getcpu getcwd getdents getdents64 getegid
        geteuid getgid getgroups getitimer getpeername getpgid getpgrp getpid getppid getpriority getrandom getresgid
        getresuid getrlimit get_robust_list getrusage getsid getsockname getsockopt gettid gettimeofday getuid getxattr
        inotify_add_watch inotify_init inotify_init1 inotify_rm_watch io_cancel ioctl io_destroy io_getevents ioprio_get
        ioprio_set io_setup io_submit kill lchown lgetxattr link linkat listen listxattr llistxattr lremovexattr lseek
        lsetxattr lstat madvise memfd_create mincore mkdir mkdirat mknod mknodat mlock mlock2 mlockall mmap mprotect
        mq_getsetattr mq_notify mq_open mq_timedreceive mq_timedsend mq_unlink mremap msgctl msgget msgrcv msgsnd msync
        munlock munlockall munmap nanosleep newfstatat open openat pause pipe pipe2 poll ppoll prctl pread64 preadv preadv2
        prlimit64 pselect6 pwrite64 pwritev pwritev2 read readahead readlink readlinkat readv recvfrom recvmmsg recvmsg
        remap_file_pages removexattr rename renameat renameat2 restart_syscall rmdir rt_sigaction rt_sigpending
        rt_sigprocmask rt_sigqueueinfo rt_sigreturn rt_sigsuspend rt_sigtimedwait rt_tgsigqueueinfo sched_getaffinity
        sched_getattr sched_getparam sched_get_priority_max sched_get_priority_min sched_getscheduler
        sched_rr_get_interval sched_setaffinity sched_setattr sched_setparam sched_setscheduler sched_yield seccomp select
        semctl semget semop semtimedop sendfile sendmmsg sendmsg sendto setfsgid setfsuid setgid setgroups setitimer
        setpgid setpriority setregid setresgid setresuid setreuid setrlimit set_robust_list setsid setsockopt
        set_tid_address setuid setxattr shmat shmctl shmdt shmget shutdown sigaltstack signalfd signalfd4 socket
        socketpair splice stat statfs statx symlink symlinkat sync sync_file_range syncfs sysinfo tee tgkill time
        timer_create timer_delete timerfd_create timerfd_gettime timerfd_settime timer_getoverrun timer_gettime
        timer_settime times tkill truncate umask uname unlink unlinkat utime utimensat utimes vfork vmsplice wait4 waitid
        write writev
        """;

    /// <summary>The profile as OCI <c>linux.seccomp</c> JSON.</summary>
    public static string Json { get; } = $$"""
        {
          "defaultAction": "SCMP_ACT_ERRNO",
          "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
          "syscalls": [
            { "names": [{{string.Join(", ", Names.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries).Select(n => $"\"{n}\""))}}],
              "action": "SCMP_ACT_ALLOW" },
            { "names": ["personality"], "action": "SCMP_ACT_ALLOW",
              "args": [{ "index": 0, "value": 0, "op": "SCMP_CMP_EQ" }] },
            { "names": ["clone"], "action": "SCMP_ACT_ALLOW",
              "args": [{ "index": 0, "value": 2114060288, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ" }] }
          ]
        }
        """;
}
