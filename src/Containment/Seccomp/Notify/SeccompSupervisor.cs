using System.Runtime.InteropServices;
using Containment.Interop;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;

namespace Containment.Seccomp.Notify;

/// <summary>
/// Answers the calls a seccomp filter hands to user space, with an async handler, until every process under the filter
/// has exited or the supervisor is disposed. One thread waits on the listener (poll); each notification runs the
/// handler on the thread pool, so a slow answer holds only the thread that made that call.
/// <para>A container started with <see cref="ContainerStartOptions.SeccompNotify"/> gets one for its lifetime; start
/// one yourself for a listener received otherwise (an OCI <c>listenerPath</c> agent).</para>
/// </summary>
public sealed class SeccompSupervisor : IAsyncDisposable
{
    private readonly SeccompListener _listener;
    private readonly SeccompNotificationHandler _handler;
    private readonly ILogger _logger;
    private readonly SafeFileHandle _stop;
    private readonly CancellationTokenSource _cancel = new();
    private readonly TaskCompletionSource _loopDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HashSet<Task> _pending = [];
    private int _disposed;

    private SeccompSupervisor(SafeFileHandle listener, SeccompNotificationHandler handler, ILogger logger)
    {
        _listener = new SeccompListener(listener);
        _handler = handler;
        _logger = logger;
        var stop = Libc.EventFd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        if (stop < 0)
            throw SyscallException.FromLastError("eventfd", "seccomp supervisor");
        _stop = new SafeFileHandle(stop, ownsHandle: true);
    }

    /// <summary>Starts answering the notifications of <paramref name="listener"/>, which the supervisor now owns.</summary>
    /// <param name="listener">A seccomp notify listener fd (from <c>SECCOMP_FILTER_FLAG_NEW_LISTENER</c>).</param>
    /// <param name="handler">Answers each call.</param>
    /// <param name="logger">Where handler failures and lost answers are reported.</param>
    /// <exception cref="ArgumentNullException"><paramref name="listener"/> or <paramref name="handler"/> is null.</exception>
    public static SeccompSupervisor Start(SafeFileHandle listener, SeccompNotificationHandler handler, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(listener);
        ArgumentNullException.ThrowIfNull(handler);
        var supervisor = new SeccompSupervisor(listener, handler, logger ?? NullLogger.Instance);
        new Thread(supervisor.Loop) { IsBackground = true, Name = "seccomp-notify" }.Start();
        return supervisor;
    }

    /// <summary>Completes when the supervisor stops: every process under the filter has exited, or it was disposed.</summary>
    public Task Completion => _loopDone.Task;

    private unsafe void Loop()
    {
        try
        {
            var fds = stackalloc Libc.PollFd[2];
            while (true)
            {
                fds[0] = new Libc.PollFd { Fd = (int)_listener.Handle.DangerousGetHandle(), Events = Libc.POLLIN };
                fds[1] = new Libc.PollFd { Fd = (int)_stop.DangerousGetHandle(), Events = Libc.POLLIN };
                if (Libc.Poll(fds, 2, -1) < 0)
                {
                    if (Marshal.GetLastPInvokeError() == Errno.EINTR)
                        continue;
                    _logger.LogError("seccomp supervisor: poll: {Errno}", Errno.Name(Marshal.GetLastPInvokeError()));
                    return;
                }
                if (fds[1].Revents != 0)
                    return;
                if ((fds[0].Revents & Libc.POLLIN) != 0)
                    ReceiveOne();
                else if (fds[0].Revents != 0)
                    return; // POLLHUP: no process is left under the filter
            }
        }
        finally
        {
            _loopDone.TrySetResult();
        }
    }

    private void ReceiveOne()
    {
        var errno = _listener.Receive(out var raw);
        if (errno != 0)
        {
            // ENOENT: the caller was killed between poll and receive.
            if (errno is not (Errno.ENOENT or Errno.EINTR))
                _logger.LogWarning("seccomp supervisor: SECCOMP_IOCTL_NOTIF_RECV: {Errno}", Errno.Name(errno));
            return;
        }
        var notification = new SeccompNotification(_listener, raw);
        var task = Task.Run(() => AnswerAsync(notification));
        lock (_pending)
            _pending.Add(task);
        task.ContinueWith(t =>
        {
            lock (_pending)
                _pending.Remove(t);
        }, TaskScheduler.Default);
    }

    private async Task AnswerAsync(SeccompNotification notification)
    {
        SeccompResponse response;
        try
        {
            response = await _handler(notification, _cancel.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
        {
            return; // stopping: the listener closes, and the kernel fails the call with ENOSYS
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "seccomp supervisor: the handler failed for {Notification}; the call fails with ENOSYS", notification);
            response = SeccompResponse.Fail(SeccompErrno.ENOSYS);
        }
        var errno = _listener.Send(notification.Id, response);
        if (errno == Errno.ENOENT)
            _logger.LogDebug("seccomp supervisor: {Notification} was gone before its answer ({Response})", notification, response);
        else if (errno != 0)
            _logger.LogWarning("seccomp supervisor: SECCOMP_IOCTL_NOTIF_SEND for {Notification}: {Errno}", notification, Errno.Name(errno));
    }

    /// <summary>
    /// Stops: the waiting thread leaves, running handlers are cancelled and awaited, and the listener is closed (calls
    /// still waiting for an answer then fail with ENOSYS).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        Signal(_stop);
        await _loopDone.Task.ConfigureAwait(false);
        await _cancel.CancelAsync().ConfigureAwait(false);
        Task[] pending;
        lock (_pending)
            pending = [.. _pending];
        await Task.WhenAll(pending).ConfigureAwait(false);
        _listener.Dispose();
        _stop.Dispose();
        _cancel.Dispose();
    }

    private static unsafe void Signal(SafeFileHandle eventFd)
    {
        var one = 1UL;
        Libc.Write((int)eventFd.DangerousGetHandle(), (byte*)&one, sizeof(ulong));
    }
}
