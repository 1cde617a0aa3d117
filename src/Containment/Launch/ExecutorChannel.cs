using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Containment.Interop;
using Microsoft.Win32.SafeHandles;

namespace Containment.Launch;

/// <summary>
/// One running executor: its pid and the host's end of the SEQPACKET socket to it. The plan and its
/// descriptors go out as the first message; step reports, the child's pid (with a pidfd), sync points and
/// the exit status come back. The socket closing tells the host that the executor is gone.
/// </summary>
internal sealed class ExecutorChannel : IDisposable
{
    private readonly Socket _socket;
    private readonly int _fd;
    private int _reaped;

    private ExecutorChannel(int fd, int pid)
    {
        _fd = fd;
        ExecutorPid = pid;
        _socket = new Socket(new SafeSocketHandle(fd, ownsHandle: true));
    }

    public int ExecutorPid { get; }

    /// <summary>Sends the plan and spawns the executor from its memfd.</summary>
    public static ExecutorChannel Start(byte[] plan, IReadOnlyList<SafeHandle> fds)
    {
        var channel = Spawn();
        try
        {
            channel.SendPlan(plan, fds);
            return channel;
        }
        catch
        {
            channel.Dispose();
            channel.Reap();
            throw;
        }
    }

    /// <summary>Spawns the executor from its memfd; it waits for the plan (or an announcement, see <see cref="AnnounceAsync"/>).</summary>
    public static unsafe ExecutorChannel Spawn()
    {
        var pair = stackalloc int[2];
        if (Libc.SocketPair(Libc.AF_UNIX, Libc.SOCK_SEQPACKET | Libc.SOCK_CLOEXEC, 0, pair) < 0)
            throw SyscallException.FromLastError("socketpair", "executor channel");
        int host = pair[0], child = pair[1];
        try
        {
            // Keep the executor's end off fd 3, where the spawn places it (dup2 onto itself would keep CLOEXEC).
            if (child <= 3)
            {
                var moved = Libc.Fcntl(child, Libc.F_DUPFD_CLOEXEC, 10);
                if (moved < 0)
                    throw SyscallException.FromLastError("fcntl(F_DUPFD_CLOEXEC)", "executor channel");
                Libc.Close(child);
                child = moved;
            }
            var pid = SpawnExecutor(child);
            Libc.Close(child);
            child = -1;
            return new ExecutorChannel(host, pid);
        }
        catch
        {
            Libc.Close(host);
            if (child >= 0)
                Libc.Close(child);
            throw;
        }
    }

    /// <summary>Sends the launch plan and the descriptors it names.</summary>
    public void SendPlan(byte[] plan, IReadOnlyList<SafeHandle> fds)
    {
        if (Libc.SendWithFds(_fd, plan, fds) != plan.Length)
            throw SyscallException.FromLastError("sendmsg", $"launch plan ({plan.Length} bytes, {fds.Count} fds)");
    }

    private static unsafe int SpawnExecutor(int channel)
    {
        var actions = NativeMemory.AllocZeroed(Libc.SpawnStructSize);
        try
        {
            Libc.PosixSpawnFileActionsInit(actions);
            var rc = Libc.PosixSpawnFileActionsAddDup2(actions, channel, 3);
            if (rc != 0)
                throw new SyscallException("posix_spawn_file_actions_adddup2", "executor channel", rc);
            var path = Encoding.UTF8.GetBytes(ExecutorImage.Path + "\0");
            var name = "containment-executor\0"u8.ToArray();
            fixed (byte* p = path)
            fixed (byte* n = name)
            {
                var argv = stackalloc byte*[2] { n, null };
                var envp = stackalloc byte*[1] { null };
                int pid;
                rc = Libc.PosixSpawn(&pid, p, actions, null, argv, envp);
                if (rc != 0)
                    throw new SyscallException("posix_spawn", ExecutorImage.Path, rc);
                return pid;
            }
        }
        finally
        {
            Libc.PosixSpawnFileActionsDestroy(actions);
            NativeMemory.Free(actions);
        }
    }

    /// <summary>The next message, with the descriptor it carries; null when the executor is gone.</summary>
    public async ValueTask<(ExecutorMessage Message, SafeFileHandle? Fd)?> ReceiveAsync(CancellationToken cancellationToken)
    {
        var peek = new byte[ExecutorMessage.Size];
        while (true)
        {
            // Wait for a message without taking it: recvmsg below needs room for its descriptor.
            var n = await _socket.ReceiveAsync(peek, SocketFlags.Peek, cancellationToken).ConfigureAwait(false);
            if (n == 0)
                return null;
            var received = TryReceive();
            if (received is not null)
                return received;
        }
    }

    private unsafe (ExecutorMessage, SafeFileHandle?)? TryReceive()
    {
        var buffer = stackalloc byte[ExecutorMessage.Size];
        var control = stackalloc byte[Libc.CmsgSpace(sizeof(int))];
        var iov = new Libc.IoVec { Base = buffer, Length = ExecutorMessage.Size };
        var hdr = new Libc.MsgHdr { Iov = &iov, IovLength = 1, Control = control, ControlLength = (nuint)Libc.CmsgSpace(sizeof(int)) };
        var n = Libc.RecvMsg(_fd, &hdr, Libc.MSG_DONTWAIT | Libc.MSG_CMSG_CLOEXEC);
        if (n < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno is Errno.EAGAIN or Errno.EINTR)
                return null;
            throw new SyscallException("recvmsg", "executor channel", errno);
        }
        SafeFileHandle? fd = null;
        if (hdr.ControlLength >= (nuint)(Libc.CmsgHeaderSize + sizeof(int)) && *(int*)(control + 8) == Libc.SOL_SOCKET && *(int*)(control + 12) == Libc.SCM_RIGHTS)
            fd = new SafeFileHandle(*(int*)(control + Libc.CmsgHeaderSize), ownsHandle: true);
        if (n != ExecutorMessage.Size)
        {
            fd?.Dispose();
            throw new ContainmentException($"The executor sent a malformed message ({n} bytes).");
        }
        var span = new ReadOnlySpan<byte>(buffer, ExecutorMessage.Size);
        var message = new ExecutorMessage(
            (MessageKind)BinaryPrimitives.ReadInt32LittleEndian(span),
            BinaryPrimitives.ReadInt32LittleEndian(span[4..]),
            BinaryPrimitives.ReadInt32LittleEndian(span[8..]),
            BinaryPrimitives.ReadInt32LittleEndian(span[12..]));
        return (message, fd);
    }

    /// <summary>
    /// Before the plan: tells the executor which directories the launch is about to create (a plan of
    /// <see cref="PlanOp.OrphanRmdir"/> steps), and waits until it has noted those that do not exist yet. If the host
    /// dies from then on, the executor removes them.
    /// </summary>
    public async Task AnnounceAsync(byte[] announcement, CancellationToken cancellationToken)
    {
        SendPlan(announcement, []);
        if (await ReceiveAsync(cancellationToken).ConfigureAwait(false) is not ({ Kind: MessageKind.Continue }, null))
            throw new ContainmentException("The executor did not acknowledge the cgroup directories of the launch.");
    }

    /// <summary>The most directories an announcement names (executor.h ORPHAN_DIRS_MAX).</summary>
    public const int AnnouncedDirectoriesMax = 512;

    /// <summary>
    /// For a prepared cgroup (<see cref="PreparedCgroups"/>), after the announcement and before the plan: the executor
    /// makes its placeholder and writes it into every <paramref name="procs"/> file (paying a v1 join's RCU grace
    /// period now); the plan's clone is then the placeholder's, and the child is born in that cgroup.
    /// </summary>
    public async Task PlaceAsync(IReadOnlyList<SafeHandle> procs, CancellationToken cancellationToken)
    {
        var buffer = new byte[ExecutorMessage.Size];
        BinaryPrimitives.WriteInt32LittleEndian(buffer, (int)MessageKind.CgroupPlace);
        BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(12), procs.Count);
        if (Libc.SendWithFds(_fd, buffer, procs) != buffer.Length)
            throw SyscallException.FromLastError("sendmsg", "cgroup.procs files to the executor");
        var answer = await ReceiveAsync(cancellationToken).ConfigureAwait(false);
        answer?.Fd?.Dispose();
        if (answer is not ({ Kind: MessageKind.Continue }, _))
            throw new ContainmentException(answer is ({ Kind: MessageKind.Error } message, _)
                ? $"The executor could not place its placeholder in the prepared cgroup: {Errno.Name(message.Errno)}"
                : "The executor did not acknowledge the prepared cgroup.");
    }

    /// <summary>Lets the child past a sync point.</summary>
    public void Continue()
    {
        var buffer = new byte[ExecutorMessage.Size];
        BinaryPrimitives.WriteInt32LittleEndian(buffer, (int)MessageKind.Continue);
        _socket.Send(buffer);
    }

    /// <summary>
    /// Collects the executor's exit status once it has exited (it always exits right after its socket closes). Returns
    /// whether it exited 0 after removing the cgroup directories it was told of (see orphan.c); false when unknown.
    /// </summary>
    public unsafe bool Reap()
    {
        if (Interlocked.Exchange(ref _reaped, 1) != 0)
            return false;
        int status = -1;
        // ECHILD: a host that reaps every child (PID 1) got there first; the status came over the socket anyway.
        while (Libc.WaitPid(ExecutorPid, &status, 0) < 0)
            if (Marshal.GetLastPInvokeError() != Errno.EINTR)
                return false;
        return status == 0;
    }

    /// <summary>
    /// Collects the executor's exit status on a thread of its own: for paths that must not block (cancellation,
    /// failures), since an executor whose child is frozen in a paused cgroup exits only when the cgroup is thawed.
    /// </summary>
    public void ReapInBackground()
    {
        if (Volatile.Read(ref _reaped) != 0)
            return;
        new Thread(() => Reap()) { IsBackground = true, Name = "containment-reap" }.Start();
    }

    /// <summary>Closes the host's end: a monitor still running kills a non-detached child and exits.</summary>
    public void Dispose() => _socket.Dispose();
}
