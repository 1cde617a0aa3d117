namespace Containment.Launch;

/// <summary>What one op of a plan does, in words: the system call and the object it acts on.</summary>
/// <param name="Syscall">The system call that can fail (<c>mount</c>, <c>pivot_root</c>, <c>execve</c>).</param>
/// <param name="Subject">Its object (<c>proc on /proc</c>, <c>/srv/rootfs</c>).</param>
internal sealed record PlanStep(string Syscall, string Subject)
{
    public override string ToString() => $"{Syscall}({Subject})";
}
