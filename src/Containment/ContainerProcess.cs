using System.Diagnostics;
using Containment.Cgroups;
using Containment.Interop;
using Containment.Launch;
using Containment.Seccomp.Notify;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;

namespace Containment;

/// <summary>
/// A running container: its first process, its standard streams and its exit. Dispose it to kill the
/// container (unless it was started detached) and release everything the launch made.
/// </summary>
public sealed partial class ContainerProcess : IAsyncDisposable
{
    private readonly ExecutorChannel? _channel; // null for a restored container: CRIU made it this process's child
    private readonly SafeFileHandle? _pidfd;
    private readonly TaskCompletionSource<ContainerExit> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ILogger _logger;
    private readonly Task _pump;
    private readonly CgroupHandle? _cgroup;
    private readonly SeccompSupervisor? _seccomp;
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly LiveContainers.Registration? _registration;
    private int _disposed;
    private volatile bool _killedByHost;

    internal ContainerProcess(string id, ExecutorChannel? channel, int pid, SafeFileHandle? pidfd, LaunchStreams streams, SafeFileHandle? terminal,
        CgroupHandle? cgroup, SeccompSupervisor? seccomp, bool detached, ILogger logger, ContainerSpec spec, long oomKillsAtStart,
        LiveContainers.Registration? registration)
    {
        Spec = spec;
        _oomKillsAtStart = oomKillsAtStart;
        _registration = registration;
        Terminal = terminal is null ? null : new ContainerTerminal(terminal);
        _seccomp = seccomp;
        Id = id;
        _cgroup = cgroup;
        Cgroup = cgroup is null ? null : new Cgroup(cgroup);
        _channel = channel;
        Pid = pid;
        _pidfd = pidfd;
        _logger = logger;
        Detached = detached;
        StandardInput = streams.Input;
        StandardOutput = streams.Output;
        StandardError = streams.Error;
        _pump = detached ? Task.CompletedTask : channel is null ? WaitForChildAsync() : Task.Run(PumpAsync);
    }

    private readonly long _oomKillsAtStart;

    /// <summary>The container's id (<see cref="ContainerStartOptions.Id"/>, or the random one it was given): names its cgroup and appears in logs.</summary>
    public string Id { get; }

    /// <summary>The spec the container was started from (what <see cref="ExecAsync"/> takes its defaults from).</summary>
    public ContainerSpec Spec { get; }

    /// <summary>The container's cgroup (limits, stats, pause/resume, OOM events), or null when it has none.</summary>
    public Cgroup? Cgroup { get; }

    /// <summary>The container's first process, as a pid in the host's pid namespace.</summary>
    public int Pid { get; }

    /// <summary>Whether the container outlives its host.</summary>
    internal bool Detached { get; }

    /// <summary>The writable end of standard input when it is <see cref="Stdio.Pipe"/>, else null.</summary>
    public StreamWriter? StandardInput { get; }

    /// <summary>Standard output when it is <see cref="Stdio.Pipe"/>, else null.</summary>
    public StreamReader? StandardOutput { get; }

    /// <summary>Standard error when it is <see cref="Stdio.Pipe"/>, else null.</summary>
    public StreamReader? StandardError { get; }

    /// <summary>The host's side of the process's pseudo-terminal when <see cref="ProcessSpec.Terminal"/> is set, else null.</summary>
    public ContainerTerminal? Terminal { get; }

    /// <summary>Whether the container's process has exited (and its status is known).</summary>
    public bool HasExited => _exit.Task.IsCompleted;

    /// <summary>Starts a container and returns once its program has been exec'd.</summary>
    /// <exception cref="ContainerSpecException">The spec is invalid; nothing was started.</exception>
    /// <exception cref="ContainerStartException">A launch step failed; nothing is left behind.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; nothing is left behind.</exception>
    public static Task<ContainerProcess> StartAsync(ContainerSpec spec, CancellationToken cancellationToken = default) =>
        StartAsync(spec, new ContainerStartOptions(), cancellationToken);

    /// <summary>Starts a container with options and returns once its program has been exec'd.</summary>
    /// <exception cref="ContainerSpecException">The spec is invalid; nothing was started.</exception>
    /// <exception cref="ContainerStartException">A launch step failed; nothing is left behind.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; nothing is left behind.</exception>
    public static Task<ContainerProcess> StartAsync(ContainerSpec spec, ContainerStartOptions options, CancellationToken cancellationToken = default) =>
        Launcher.StartAsync(spec, options, cancellationToken);

    /// <summary>Waits for the container's process to exit and returns how it ended.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the container keeps running).</exception>
    /// <exception cref="ContainmentException">The executor ended without reporting the exit status.</exception>
    public Task<ContainerExit> WaitForExitAsync(CancellationToken cancellationToken = default)
    {
        if (Detached)
            throw new InvalidOperationException("A detached container's exit is not collected by its host.");
        return _exit.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Sends a signal to the container's first process (through a pidfd: never to a recycled pid).</summary>
    /// <remarks>Does nothing once the process has exited.</remarks>
    /// <exception cref="SyscallException"><c>pidfd_send_signal</c> failed (other than with ESRCH, a process already gone).</exception>
    public void SendSignal(Signal signal)
    {
        if (_pidfd is null || HasExited)
            return;
        if (signal == Containment.Signal.Kill)
            _killedByHost = true;
        var r = Libc.Syscall(Libc.SYS_pidfd_send_signal, _pidfd.DangerousGetHandle(), (int)signal, 0, 0);
        if (r < 0)
        {
            var errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            if (errno != Errno.ESRCH)
                throw new SyscallException("pidfd_send_signal", $"pid {Pid}, SIG{signal.ToString().ToUpperInvariant()}", errno);
        }
    }

    /// <summary>Sends a signal; completes at once (the signal is delivered, not awaited).</summary>
    /// <exception cref="SyscallException"><c>pidfd_send_signal</c> failed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task SignalAsync(Signal signal, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        SendSignal(signal);
        return Task.CompletedTask;
    }

    /// <summary>Kills the container's first process with SIGKILL (in a pid namespace, every process in it dies too).</summary>
    public void Kill() => SendSignal(Signal.Kill);

    /// <summary>
    /// Stops the container's process: SIGTERM, then SIGKILL once <paramref name="grace"/> has passed without an exit
    /// (at once for a zero grace). Returns how it ended. A program that is its container's PID 1 without a handler for
    /// SIGTERM ignores it (the kernel's rule for an init), so it is killed after the grace period.
    /// </summary>
    /// <param name="grace">How long the process has after SIGTERM before SIGKILL; <see cref="TimeSpan.Zero"/>: SIGKILL at once.</param>
    /// <param name="cancellationToken">Stops the wait (not the stop).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="grace"/> is negative.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting (signals already sent stay sent).</exception>
    public async Task<ContainerExit> StopAsync(TimeSpan grace, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(grace, TimeSpan.Zero);
        if (Detached)
            throw new InvalidOperationException("A detached container's exit is not collected by its host.");
        if (HasExited)
            return await _exit.Task.ConfigureAwait(false);
        if (grace > TimeSpan.Zero)
        {
            _killedByHost = true; // a SIGTERM that kills it is the host's doing too
            SendSignal(Containment.Signal.Term);
            try
            {
                var exit = await _exit.Task.WaitAsync(grace, cancellationToken).ConfigureAwait(false);
                _logger.LogInformation(LogEvents.Stopped, "Container {Id} (pid {Pid}) stopped by its host: SIGTERM, {Exit} within the grace period of {Grace}", Id, Pid, exit, grace);
                return exit;
            }
            catch (TimeoutException)
            {
            }
        }
        Kill();
        var killed = await _exit.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        _logger.LogInformation(LogEvents.Stopped, "Container {Id} (pid {Pid}) stopped by its host: SIGKILL after a grace period of {Grace}, {Exit}", Id, Pid, grace, killed);
        return killed;
    }

    /// <summary>
    /// Runs another process in this running container, as OCI <c>exec</c> does: in every namespace, the root and the
    /// cgroup of the container, and by default with its process's environment, user, capabilities, rlimits,
    /// <c>no_new_privs</c>, working directory and seccomp profile; <paramref name="build"/> sets the arguments and
    /// changes any of those. Standard streams start from the usual defaults (null input, piped output), never the
    /// container's. The result has the same stream, exit and stop API; disposing it kills the exec'd process only.
    /// </summary>
    /// <exception cref="ContainmentException">The container has exited, or is paused (its cgroup is frozen).</exception>
    /// <exception cref="ContainerSpecException">The resulting process is invalid (e.g. no arguments).</exception>
    /// <exception cref="ContainerStartException">A launch step of the exec failed; nothing is left behind.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; nothing is left behind.</exception>
    public Task<ContainerProcess> ExecAsync(Action<ProcessBuilder> build, ContainerStartOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(build);
        if (HasExited)
            throw new ContainmentException($"cannot exec in container {Id}: it has exited ({_exit.Task.Result})");
        if (Cgroup is { IsFrozen: true })
            throw new ContainmentException($"cannot exec in container {Id}: it is paused (its cgroup is frozen); resume it first");
        var spec = ContainerSpec.JoinRunning(Pid, Spec).WithProcess(build);
        if (Network is not null)
            spec = spec.WithProcess(Networking.RawSocketGuard.Apply(spec.Process));
        // The start time JoinRunning read is the container's only if the container had not exited by then.
        if (_pidfd is not null && Launch.JoinedTarget.HasExited(_pidfd))
            throw new ContainmentException($"cannot exec in container {Id}: it has exited");
        return StartAsync(spec, options ?? new ContainerStartOptions(), cancellationToken);
    }

    /// <summary>What the host knows about an exit: the run's usage, the OOM kills, whether the host killed it.</summary>
    private ContainerExit Account(ContainerExit exit)
    {
        var wall = Stopwatch.GetElapsedTime(_started);
        if (Cgroup is null)
            return exit.With(new ContainerUsage(wall, null, null, null), 0, _killedByHost, null);
        try
        {
            var stats = Cgroup.GetStats();
            var oomKills = Math.Max(0, (stats.Memory?.OomKills ?? 0) - _oomKillsAtStart);
            var result = exit.With(new ContainerUsage(wall, stats.Cpu?.User, stats.Cpu?.System, stats.Memory?.Peak), oomKills, _killedByHost, stats.Memory?.Limit);
            if (result.OomKilled)
                _logger.LogWarning(LogEvents.OomKilled, "Container {Id} (pid {Pid}) was killed by the OOM killer (memory limit {Limit} bytes)", Id, Pid, stats.Memory?.Limit);
            return result;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Cgroups.CgroupException)
        {
            _logger.LogDebug(e, "Could not read the cgroup statistics of container {Id}", Id);
            return exit.With(new ContainerUsage(wall, null, null, null), 0, _killedByHost, null);
        }
    }

    private async Task PumpAsync()
    {
        try
        {
            while (await _channel!.ReceiveAsync(CancellationToken.None).ConfigureAwait(false) is { } received)
            {
                received.Fd?.Dispose();
                if (received.Message.Kind == MessageKind.Exit)
                {
                    var exit = Account(ContainerExit.FromWaitStatus(received.Message.Value));
                    _logger.LogInformation(LogEvents.Exited, "Container {Id} (pid {Pid}) {Exit} after {Ms:F1} ms", Id, Pid, exit, exit.Usage!.WallTime.TotalMilliseconds);
                    _exit.TrySetResult(exit);
                    // The executor now waits for the channel to close (DisposeAsync) to remove the cgroup.
                    return;
                }
            }
        }
        catch (Exception e) when (e is ObjectDisposedException or System.Net.Sockets.SocketException)
        {
        }
        finally
        {
            _exit.TrySetException(new ContainmentException($"The executor of container pid {Pid} exited without reporting its exit status."));
        }
    }

    /// <summary>
    /// Kills the container unless it is detached, waits for it to be gone, and releases the streams and the
    /// executor. Safe to call more than once. The cgroup of a container started with
    /// <see cref="ContainerStartOptions.PrepareCgroups"/> that took a prepared one is removed right after this returns,
    /// in the background (its directories are named for its random id, so no later start can want them).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        if (!Detached && !HasExited)
            Kill();
        if (!Detached)
        {
            try
            {
                await _pump.ConfigureAwait(false);
                await _exit.Task.ConfigureAwait(false);
            }
            catch (ContainmentException e)
            {
                _logger.LogWarning(e, "Container pid {Pid} ended without an exit status", Pid);
            }
        }
        // A non-detached executor removes the cgroup directories once the channel closes, then exits: 0 when every leaf
        // is gone, and then there is nothing left for the host to kill or remove.
        _channel?.Dispose();
        // A prepared cgroup's directories (a random id's) are no one else's: removed after this returns, off the caller's path.
        // A restored container (no executor channel) never has one.
        var deferred = FromPreparedCgroup && !Detached && _channel is not null;
        var removed = !deferred && (_channel?.Reap() ?? false);
        if (Network is not null)
            await Network.DetachAsync().ConfigureAwait(false);
        if (_seccomp is not null)
            await _seccomp.DisposeAsync().ConfigureAwait(false);
        if (deferred)
            Launch.PreparedCgroups.TearDown(_channel!, _cgroup, _logger);
        else if (Detached || removed)
            _cgroup?.Dispose(); // detached: the cgroup stays with the container; only our descriptors close
        else
            Launcher.DestroyCgroup(_cgroup, _logger);
        _pidfd?.Dispose();
        try
        {
            StandardInput?.Dispose();
        }
        catch (IOException)
        {
            // What the caller wrote and the container never read: the pipe is gone, and so is that text.
            StandardInput!.BaseStream.Dispose();
        }
        StandardOutput?.Dispose();
        StandardError?.Dispose();
        Terminal?.Dispose();
        _registration?.Dispose();
        if (PoolDemand)
            Launch.PreparedCgroups.Ended();
        // Now, not at the start: the placement's grace period would hold the kernel's cgroup mutex against the rmdirs above.
        if (PrepareCgroups && !deferred)
            Launch.PreparedCgroups.Refill(_logger);
    }

    /// <summary>Prepare cgroups for the next starts once this one is disposed (<see cref="ContainerStartOptions.PrepareCgroups"/>).</summary>
    internal bool PrepareCgroups { get; init; }

    /// <summary>The container was born in a prepared cgroup: its removal (and the next preparation) follow disposal in the background.</summary>
    internal bool FromPreparedCgroup { get; init; }

    /// <summary>The start could use a prepared cgroup: it counts toward the pool's size until disposed (<see cref="Launch.PreparedCgroups"/>).</summary>
    internal bool PoolDemand { get; init; }
}
