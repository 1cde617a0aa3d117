namespace Containment.Seccomp;

/// <summary>Flags passed to <c>seccomp(SECCOMP_SET_MODE_FILTER, flags, …)</c>; the values are the kernel's.</summary>
[Flags]
public enum SeccompFilterFlags : uint
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary><c>SECCOMP_FILTER_FLAG_TSYNC</c>: install the filter on every thread of the process.</summary>
    Tsync = 1u << 0,

    /// <summary><c>SECCOMP_FILTER_FLAG_LOG</c>: log every action except ALLOW.</summary>
    Log = 1u << 1,

    /// <summary><c>SECCOMP_FILTER_FLAG_SPEC_ALLOW</c>: do not force the speculative-store-bypass mitigation.</summary>
    SpecAllow = 1u << 2,

    /// <summary><c>SECCOMP_FILTER_FLAG_NEW_LISTENER</c>: return a user-notification listener fd (set automatically
    /// when the profile uses <see cref="SeccompAction.Notify"/>).</summary>
    NewListener = 1u << 3,

    /// <summary><c>SECCOMP_FILTER_FLAG_TSYNC_ESRCH</c>: report a TSYNC failure as ESRCH (allows TSYNC with NEW_LISTENER).</summary>
    TsyncEsrch = 1u << 4,

    /// <summary><c>SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV</c>: a notified task waits killably once the supervisor received the call.</summary>
    WaitKillableRecv = 1u << 5,
}
