namespace Containment;

/// <summary>
/// A container failed to start. Names the step of the launch that failed, the system call, its object and
/// the errno, e.g. <c>step 7: pivot_root(/srv/rootfs): EINVAL</c>. Nothing the launch made is left behind.
/// </summary>
public sealed class ContainerStartException : SyscallException
{
    internal ContainerStartException(int step, string syscall, string subject, int errno)
        : base(syscall, subject, errno, $"container start failed at step {step}") => Step = step;

    /// <summary>The index of the failed step in the launch plan.</summary>
    public int Step { get; }
}
