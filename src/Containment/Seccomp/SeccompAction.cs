namespace Containment.Seccomp;

/// <summary>What the kernel does when a seccomp rule (or the profile's default) decides a system call.</summary>
public enum SeccompAction
{
    /// <summary><c>SCMP_ACT_KILL_PROCESS</c>: the whole process is killed (as by SIGSYS, with a core dump).</summary>
    KillProcess,

    /// <summary><c>SCMP_ACT_KILL_THREAD</c> (also read from <c>SCMP_ACT_KILL</c>): the calling thread is killed.</summary>
    KillThread,

    /// <summary><c>SCMP_ACT_TRAP</c>: the thread receives SIGSYS and the call is not made.</summary>
    Trap,

    /// <summary><c>SCMP_ACT_ERRNO</c>: the call is not made and fails with an errno (EPERM unless given).</summary>
    Errno,

    /// <summary><c>SCMP_ACT_TRACE</c>: a ptrace tracer is notified (the errno field carries the message number).</summary>
    Trace,

    /// <summary><c>SCMP_ACT_ALLOW</c>: the call is made.</summary>
    Allow,

    /// <summary><c>SCMP_ACT_LOG</c>: the call is made and logged by the audit subsystem.</summary>
    Log,

    /// <summary><c>SCMP_ACT_NOTIFY</c>: the call waits for a user-space supervisor holding the listener fd.</summary>
    Notify,
}
