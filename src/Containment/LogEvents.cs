using Microsoft.Extensions.Logging;

namespace Containment;

/// <summary>
/// The event ids of what the library logs, for filtering and alerting. Lifecycle events are logged at Information
/// under the category <c>Containment.Container</c>; cgroup events under <c>Containment.Cgroups</c>, seccomp under
/// <c>Containment.Seccomp</c>.
/// </summary>
public static class LogEvents
{
    /// <summary>A container started: its id, pid and the time its start took.</summary>
    public static readonly EventId Started = new(1001, nameof(Started));

    /// <summary>A container's first process exited: how (code, signal, OOM) and its wall time.</summary>
    public static readonly EventId Exited = new(1002, nameof(Exited));

    /// <summary>A container failed to start: the step, the call, the errno.</summary>
    public static readonly EventId StartFailed = new(1003, nameof(StartFailed));

    /// <summary>A container's process was killed by the OOM killer.</summary>
    public static readonly EventId OomKilled = new(1004, nameof(OomKilled));

    /// <summary>A container was stopped by its host (SIGTERM, then SIGKILL after the grace period).</summary>
    public static readonly EventId Stopped = new(1005, nameof(Stopped));

    /// <summary>Output the host never read was dropped past the buffer limit.</summary>
    public static readonly EventId OutputDropped = new(1006, nameof(OutputDropped));

    /// <summary>A run reached its timeout.</summary>
    public static readonly EventId TimedOut = new(1007, nameof(TimedOut));

    /// <summary>Something could not be cleaned up (a cgroup directory, a process).</summary>
    public static readonly EventId CleanupFailed = new(1008, nameof(CleanupFailed));

    /// <summary>A Landlock rule the kernel cannot enforce was dropped (best-effort rules).</summary>
    public static readonly EventId LandlockDropped = new(1050, nameof(LandlockDropped));

    /// <summary>A container was checkpointed with CRIU: where to, and how long it took.</summary>
    public static readonly EventId Checkpointed = new(1060, nameof(Checkpointed));

    /// <summary>A container was restored from a checkpoint: its new pid and how long it took.</summary>
    public static readonly EventId Restored = new(1061, nameof(Restored));
}
