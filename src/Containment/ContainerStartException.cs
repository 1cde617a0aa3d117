namespace Containment;

/// <summary>
/// A container failed to start. Names the system call, its object in the user's terms (a mount by its destination and
/// its index among the spec's own mounts) and the errno, with what to do where that is known, e.g.
/// <c>container start failed: mount(bind /srv/data on /data, your mount 0): EROFS (Read-only file system)</c>. The
/// launch step is in <see cref="Step"/>. Nothing the launch made is left behind.
/// </summary>
public sealed class ContainerStartException : SyscallException
{
    internal ContainerStartException(int step, string syscall, string subject, int errno, string? hint = null)
        : base(syscall, subject, errno, "container start failed", hint) => (Step, Hint) = (step, hint);

    /// <summary>The index of the failed step in the launch plan (for the library's own diagnostics).</summary>
    public int Step { get; }

    /// <summary>What to do about it, when the library knows (also at the end of the message), or null.</summary>
    public string? Hint { get; }
}
