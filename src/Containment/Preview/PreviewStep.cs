namespace Containment.Preview;

/// <summary>Which process performs a step of a launch.</summary>
public enum PreviewPerformer
{
    /// <summary>The calling process, before the executor runs (creating the cgroup, writing its limits).</summary>
    Host,

    /// <summary>The executor's monitor: joins namespaces, clones the child, writes its cgroup and id maps, waits for it.</summary>
    Monitor,

    /// <summary>The container's first process, from the clone to its execve.</summary>
    Child,
}

/// <summary>One step a launch performs, in order: who performs it, the system call and its arguments in words.</summary>
/// <param name="Performer">The process that performs the step.</param>
/// <param name="Syscall">The system call (<c>mount</c>, <c>pivot_root</c>, <c>execve</c>).</param>
/// <param name="Arguments">Its arguments, readable: paths, flags by name, a cgroup file and its value, a filter summary.</param>
public sealed record PreviewStep(PreviewPerformer Performer, string Syscall, string Arguments)
{
    /// <summary>One line: <c>child  mount(proc on /proc, MS_NOSUID|MS_NODEV|MS_NOEXEC)</c>.</summary>
    public override string ToString() => $"{Performer.ToString().ToLowerInvariant(),-7} {Syscall}({Arguments})";
}
