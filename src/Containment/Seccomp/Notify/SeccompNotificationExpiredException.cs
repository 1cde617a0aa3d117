namespace Containment.Seccomp.Notify;

/// <summary>
/// A notification is no longer valid: the call was interrupted by a signal, or the process exited (its pid may already
/// name another process, which is why memory is read only after the kernel confirms the notification).
/// </summary>
public sealed class SeccompNotificationExpiredException : ContainmentException
{
    /// <summary>Creates the exception for notification <paramref name="id"/> of process <paramref name="pid"/>.</summary>
    internal SeccompNotificationExpiredException(ulong id, int pid)
        : base($"seccomp notification {id} of pid {pid} is no longer valid: the call was interrupted or the process exited")
    {
        Id = id;
        Pid = pid;
    }

    /// <summary>The notification's id.</summary>
    public ulong Id { get; }

    /// <summary>The process that made the call.</summary>
    public int Pid { get; }
}
