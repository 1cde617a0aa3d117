namespace Containment.Namespaces;

/// <summary>A kind of Linux namespace.</summary>
public enum NamespaceKind
{
    /// <summary>Mount points (<c>CLONE_NEWNS</c>).</summary>
    Mount,
    /// <summary>Hostname and domain name (<c>CLONE_NEWUTS</c>).</summary>
    Uts,
    /// <summary>System V IPC and POSIX message queues (<c>CLONE_NEWIPC</c>).</summary>
    Ipc,
    /// <summary>Process ids (<c>CLONE_NEWPID</c>): the container's first process is its PID 1.</summary>
    Pid,
    /// <summary>Network devices, addresses, ports (<c>CLONE_NEWNET</c>). A new one has only <c>lo</c>, brought up.</summary>
    Network,
    /// <summary>The view of the cgroup hierarchy (<c>CLONE_NEWCGROUP</c>).</summary>
    Cgroup,
    /// <summary>Monotonic and boot-time clocks (<c>CLONE_NEWTIME</c>).</summary>
    Time,
    /// <summary>User and group ids and capabilities (<c>CLONE_NEWUSER</c>).</summary>
    User,
}
