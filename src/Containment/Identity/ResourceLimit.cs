namespace Containment.Identity;

/// <summary>A resource limited by <c>setrlimit</c>, numbered as the kernel numbers it (x86_64, aarch64).</summary>
public enum ResourceLimit
{
    /// <summary><c>RLIMIT_CPU</c>: CPU time, in seconds.</summary>
    Cpu = 0,
    /// <summary><c>RLIMIT_FSIZE</c>: the largest file the process may create, in bytes.</summary>
    Fsize = 1,
    /// <summary><c>RLIMIT_DATA</c>: the data segment, in bytes.</summary>
    Data = 2,
    /// <summary><c>RLIMIT_STACK</c>: the main thread's stack, in bytes.</summary>
    Stack = 3,
    /// <summary><c>RLIMIT_CORE</c>: core dump size, in bytes.</summary>
    Core = 4,
    /// <summary><c>RLIMIT_RSS</c>: resident set size (ignored by current kernels).</summary>
    Rss = 5,
    /// <summary><c>RLIMIT_NPROC</c>: processes of the real user id.</summary>
    Nproc = 6,
    /// <summary><c>RLIMIT_NOFILE</c>: one more than the highest file descriptor number.</summary>
    Nofile = 7,
    /// <summary><c>RLIMIT_MEMLOCK</c>: locked memory, in bytes.</summary>
    Memlock = 8,
    /// <summary><c>RLIMIT_AS</c>: virtual memory, in bytes.</summary>
    As = 9,
    /// <summary><c>RLIMIT_LOCKS</c>: file locks and leases.</summary>
    Locks = 10,
    /// <summary><c>RLIMIT_SIGPENDING</c>: queued signals of the real user id.</summary>
    Sigpending = 11,
    /// <summary><c>RLIMIT_MSGQUEUE</c>: bytes in POSIX message queues.</summary>
    Msgqueue = 12,
    /// <summary><c>RLIMIT_NICE</c>: the ceiling of the nice value, as <c>20 - nice</c>.</summary>
    Nice = 13,
    /// <summary><c>RLIMIT_RTPRIO</c>: the ceiling of the real-time priority.</summary>
    Rtprio = 14,
    /// <summary><c>RLIMIT_RTTIME</c>: CPU time under real-time scheduling without a blocking call, in microseconds.</summary>
    Rttime = 15,
}
