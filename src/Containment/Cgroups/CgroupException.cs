namespace Containment.Cgroups;

/// <summary>
/// A cgroup operation failed. The message names the operation, the controller and the cgroup file
/// (for example <c>write memory.limit_in_bytes in /sys/fs/cgroup/memory/containment/web: EINVAL</c>).
/// </summary>
public sealed class CgroupException : ContainmentException
{
    /// <summary>Creates the exception.</summary>
    internal CgroupException(string message, string? controller = null, string? file = null, int errno = 0, Exception? inner = null)
        : base(message, inner)
    {
        Controller = controller;
        File = file;
        Errno = errno;
    }

    /// <summary>The controller concerned (<c>memory</c>, <c>pids</c>), when there is one.</summary>
    public string? Controller { get; }

    /// <summary>The cgroup file concerned (<c>memory.max</c>), when there is one.</summary>
    public string? File { get; }

    /// <summary>The errno of the failed system call, or 0.</summary>
    public int Errno { get; }
}
