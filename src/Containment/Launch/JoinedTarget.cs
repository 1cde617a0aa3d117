using System.Runtime.InteropServices;
using Containment.Interop;
using Containment.Oci;
using Microsoft.Win32.SafeHandles;

namespace Containment.Launch;

/// <summary>
/// The running process a joining launch (the OCI <c>exec</c>) opens <c>/proc/PID/ns/*</c> and <c>/proc/PID/cgroup</c>
/// of, held by a pidfd. A pid names another process once its own has exited and been reaped, so the launch takes the
/// pidfd, checks the start time <see cref="ContainerSpec.JoinRunning(int)"/> recorded, and once everything is open
/// checks that the process has not exited: all it opened in between was that process's.
/// </summary>
internal sealed class JoinedTarget : IDisposable
{
    private readonly SafeFileHandle _pidfd;
    private readonly int _pid;

    private JoinedTarget(SafeFileHandle pidfd, int pid) => (_pidfd, _pid) = (pidfd, pid);

    /// <exception cref="ContainmentException">The process has exited, or its pid now names another process.</exception>
    public static JoinedTarget Pin(RootfsSpec.Joined joined)
    {
        var pid = joined.Pid;
        var fd = (int)Libc.Syscall(Libc.SYS_pidfd_open, pid, 0, 0, 0);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new ContainmentException(errno == Errno.ESRCH
                ? $"cannot join process {pid}: it has exited"
                : $"cannot join process {pid}: pidfd_open: {Errno.Name(errno)}");
        }
        var target = new JoinedTarget(new SafeFileHandle(fd, ownsHandle: true), pid);
        var stat = ProcStat.TryRead(pid);
        string? problem = stat is null || stat.Value.State is 'Z' or 'X' or 'x' ? "it has exited"
            : joined.StartTime is { } expected && stat.Value.StartTime != expected
                ? $"it has exited and the pid now names another process (started at tick {stat.Value.StartTime}, not {expected})"
                : null;
        if (problem is not null)
        {
            target.Dispose();
            throw new ContainmentException($"cannot join process {pid}: {problem}");
        }
        return target;
    }

    /// <summary>Refuses the launch when the process exited while its namespaces and cgroup were opened.</summary>
    /// <exception cref="ContainmentException">The process has exited.</exception>
    public void ThrowIfExited()
    {
        if (HasExited(_pidfd))
            throw new ContainmentException($"cannot join process {_pid}: it exited while its namespaces were opened");
    }

    /// <summary>Whether the process of <paramref name="pidfd"/> has exited (a pidfd polls readable from then on).</summary>
    public static unsafe bool HasExited(SafeHandle pidfd)
    {
        var poll = new Libc.PollFd { Fd = (int)pidfd.DangerousGetHandle(), Events = Libc.POLLIN };
        return Libc.Poll(&poll, 1, 0) != 0;
    }

    public void Dispose() => _pidfd.Dispose();
}
