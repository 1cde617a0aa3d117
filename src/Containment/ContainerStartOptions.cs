using Containment.Seccomp.Notify;
using Microsoft.Extensions.Logging;

namespace Containment;

/// <summary>How a container is started (as opposed to what it is: that is the <see cref="ContainerSpec"/>).</summary>
public sealed record ContainerStartOptions
{
    /// <summary>
    /// Where the library reports what a user would want to see: starts, failures, cleanup problems (one logger for
    /// everything). <see cref="LoggerFactory"/> instead gives each area its category. Events carry <see cref="LogEvents"/> ids.
    /// </summary>
    public ILogger? Logger { get; init; }

    /// <summary>
    /// Loggers per area: <c>Containment.Container</c> (lifecycle: started, exited, failed, at Information),
    /// <c>Containment.Cgroups</c>, <c>Containment.Seccomp</c>. Used when <see cref="Logger"/> is null.
    /// </summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    internal ILogger LoggerFor(string area) => Logger ?? LoggerFactory?.CreateLogger("Containment." + area) ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    /// <summary>
    /// The container's id: names its cgroup (<c>/containment/&lt;id&gt;</c>) and appears in logs. Default: a new random id.
    /// </summary>
    public string? Id { get; init; }

    /// <summary>
    /// The container outlives its host: it is not killed when the host exits or the <see cref="ContainerProcess"/>
    /// is disposed, and its exit status is not collected. Standard streams must not be pipes.
    /// </summary>
    internal bool Detached { get; init; }

    /// <summary>
    /// The OCI create/start split: the container's first process finishes its setup, then waits to exec
    /// until some process opens this FIFO (an existing one, see <see cref="ContainerStartGate"/>) for reading.
    /// <see cref="ContainerProcess.StartAsync(ContainerSpec, ContainerStartOptions, CancellationToken)"/> returns once
    /// the setup is done. Needs <see cref="Detached"/>.
    /// </summary>
    internal string? StartFifo { get; init; }

    /// <summary>
    /// Answers the calls the container's seccomp profile hands to user space (<see cref="Seccomp.SeccompAction.Notify"/>
    /// rules), e.g. <c>(call, ct) =&gt; ValueTask.FromResult(SeccompResponse.Fail(SeccompErrno.EACCES))</c>. Runs on a
    /// background task from the moment the filter is loaded (which may be before the start returns) until the container's
    /// processes are gone or the <see cref="ContainerProcess"/> is disposed. A profile with NOTIFY rules needs this or
    /// <see cref="SeccompListener"/>.
    /// </summary>
    public SeccompNotificationHandler? SeccompNotify { get; init; }

    /// <summary>
    /// Receives the seccomp notify listener fd itself, instead of <see cref="SeccompNotify"/>: for OCI runtimes, which pass
    /// it on with <see cref="SeccompListenerPath.SendAsync"/>. Called once, before the start returns; a failure fails the
    /// start.
    /// </summary>
    internal SeccompListenerReceiver? SeccompListener { get; init; }

    /// <summary>
    /// Called when the container's mounts are in place and before its root is pivoted (the OCI <c>createContainer</c>
    /// point), with the container's pid; its setup waits until the task completes, and an exception fails the start
    /// (nothing is left behind). <see cref="Hooks.ContainerHook.RunInContainerAsync(int, string, CancellationToken)"/> runs a hook there.
    /// </summary>
    internal Func<int, CancellationToken, Task>? BeforePivotRoot { get; init; }

    /// <summary>
    /// How many bytes of each piped output stream (<see cref="Stdio.Pipe"/>) are kept for a caller who has not begun to
    /// read it. The library reads every output pipe from the start, so a container never stalls on a stream nobody
    /// reads; past this limit, unread output is dropped (and a warning logged). Once the caller reads a stream, it gets
    /// everything, with the pipe's back-pressure. Default: 1 MiB.
    /// </summary>
    public long UnreadOutputLimit { get; init; } = 1 << 20;

    /// <summary>
    /// On a cgroup v1 or hybrid host, as root: keep cgroups prepared ahead of need for the next starts of this process
    /// (two, or as many as such containers were alive at once, at most 16; back to two after 10 s without such a start),
    /// each an executor already waiting in its new cgroup, so that a start with limits skips the cgroup's
    /// creation and the kernel's RCU grace period of a v1 <c>cgroup.procs</c> write (5–20 ms after a quiet spell). The
    /// first start with this set prepares them (after its container is disposed); a start that takes one gets the
    /// container id chosen with it (<c>p&lt;pid&gt;-&lt;12 hex digits&gt;</c>). Used only for a start with a cgroup at the default path, no <see cref="Id"/>, not
    /// detached, no joined namespace or user namespace, and no controller a hybrid host has only on v2; others create
    /// their cgroup as usual. Waiting ones are removed when the process exits (each by its own executor, also when the
    /// process is killed). Default false: a process that sets it keeps at least two idle executors (about 130 KiB each).
    /// </summary>
    public bool PrepareCgroups { get; init; }

    /// <summary>Test-only: skip the refusal of an exec into a paused container (to test cancellation of a blocked one).</summary>
    internal bool SkipPausedCheck { get; init; }

    /// <summary>
    /// Start even when cgroup limits of the spec cannot be enforced: a rootless host without a delegated cgroup then
    /// runs the container without them (a warning names them). Without this, such a start fails with a
    /// <see cref="ContainerSpecException"/> naming the limits; a pids limit is enforced as RLIMIT_NPROC either way.
    /// </summary>
    public bool AllowUnenforcedLimits { get; init; }

    /// <summary>Test-only fault injection: the launch fails at this step with <see cref="InjectedErrno"/>.</summary>
    internal int? FailAtStep { get; init; }

    /// <summary>Test-only: the executor resolves in-root paths by its O_NOFOLLOW walk instead of openat2.</summary>
    internal bool ResolveByWalk { get; init; }

    /// <summary>Test-only: the security modules to plan for instead of this host's.</summary>
    internal Lsm.LsmHost? Lsm { get; init; }

    internal int InjectedErrno { get; init; } = Interop.Errno.EIO;

    /// <summary>Test-only: the Landlock ABI to negotiate with instead of this kernel's (a lower one, to see rules dropped).</summary>
    internal int? LandlockAbi { get; init; }

    /// <summary>Test-only: sees the compiled plan before it is sent (to compare a start with its preview).</summary>
    internal Action<Launch.LaunchPlan>? PlanCompiled { get; init; }
}
