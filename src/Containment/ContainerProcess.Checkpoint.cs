using System.Runtime.InteropServices;
using Containment.Checkpoint;
using Containment.Interop;
using Microsoft.Extensions.Logging;

namespace Containment;

public sealed partial class ContainerProcess
{
    /// <summary>
    /// Saves the running container to <see cref="CheckpointOptions.ImagePath"/> with CRIU (<c>criu swrk</c>): its
    /// processes, memory, open files, sockets and namespaces, plus the keys of its standard streams. Unless
    /// <see cref="CheckpointOptions.LeaveRunning"/> or <see cref="CheckpointOptions.PreDump"/> is set, the container is
    /// killed once saved (its exit is reported as usual). A paused container is checkpointed frozen. See docs/checkpoint.md.
    /// </summary>
    /// <exception cref="CheckpointException">CRIU failed (the message carries the end of its log), or is not installed.</exception>
    /// <exception cref="ContainmentException">The container has exited, or its rootfs is not a directory.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled: CRIU is killed and lets the container go.</exception>
    public async Task CheckpointAsync(CheckpointOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (HasExited)
            throw new ContainmentException($"cannot checkpoint container {Id}: it has exited ({_exit.Task.Result})");
        var frozen = _cgroup?.Parts.FirstOrDefault(p => p.CanFreeze) is { } freezer && freezer.IsFrozen() ? freezer.Paths[0] : null;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await CriuCheckpoint.RunAsync(Pid, Id, Spec.Filesystem.Mounts.Where(m => m.IsBind).Select(m => m.Destination), options, frozen, cancellationToken).ConfigureAwait(false);
        _logger.LogInformation(LogEvents.Checkpointed, "Container {Id} (pid {Pid}) {What} to {Path} in {Ms:F1} ms", Id, Pid,
            options.PreDump ? "pre-dumped" : options.LeaveRunning ? "checkpointed (left running)" : "checkpointed and stopped",
            options.ImagePath, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>
    /// Restores a container checkpointed by <see cref="CheckpointAsync"/> as a new <see cref="ContainerProcess"/>: the same
    /// <paramref name="spec"/> (its rootfs directory, bind mounts, cgroup limits and standard streams, which replace the
    /// checkpointed ones), under <see cref="ContainerStartOptions.Id"/> (the same id or a new one). The restored process is
    /// a child of this process; the container does not die with its host.
    /// </summary>
    /// <exception cref="ContainerSpecException">The spec cannot be restored (its rootfs is not a directory) or the images are missing.</exception>
    /// <exception cref="CheckpointException">CRIU failed (the message carries the end of its log); nothing is left behind.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; nothing is left behind.</exception>
    public static Task<ContainerProcess> RestoreAsync(ContainerSpec spec, RestoreOptions restore, ContainerStartOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(restore);
        return CriuRestore.RunAsync(spec, restore, options ?? new ContainerStartOptions(), cancellationToken);
    }

    /// <summary>A restored container is this process's child (CRIU's rst_sibling): its exit status comes from waitpid.</summary>
    private Task WaitForChildAsync() => Task.Factory.StartNew(() =>
    {
        try
        {
            int status;
            int r;
            unsafe
            {
                while ((r = Libc.WaitPid(Pid, &status, 0)) < 0 && Marshal.GetLastPInvokeError() == Errno.EINTR)
                {
                }
            }
            if (r == Pid)
            {
                var exit = Account(ContainerExit.FromWaitStatus(status));
                _logger.LogInformation(LogEvents.Exited, "Container {Id} (pid {Pid}) {Exit} after {Ms:F1} ms", Id, Pid, exit, exit.Usage!.WallTime.TotalMilliseconds);
                _exit.TrySetResult(exit);
            }
        }
        finally
        {
            _exit.TrySetException(new ContainmentException($"The exit status of restored container pid {Pid} was collected by another reaper."));
        }
    }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
