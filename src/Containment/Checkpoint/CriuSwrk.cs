using System.Net.Sockets;
using System.Runtime.InteropServices;
using Containment.Interop;
using Microsoft.Win32.SafeHandles;

namespace Containment.Checkpoint;

/// <summary>
/// One <c>criu swrk 3</c> process, as runc drives it: the request goes out over a SOCK_SEQPACKET socketpair (fd 3 in
/// CRIU), notifications come back and are acknowledged, then the final response. CRIU opens the image and work
/// directories as <c>/proc/OUR_PID/fd/N</c> (its peer's fds); standard streams it restores from are its own fds 0-2.
/// </summary>
internal sealed class CriuSwrk : IDisposable
{
    private const int MaxMessage = 1 << 20;
    private readonly Socket _socket;
    private int _reaped;

    private CriuSwrk(int pid, int socket)
    {
        Pid = pid;
        _socket = new Socket(new SafeSocketHandle(socket, ownsHandle: true));
    }

    public int Pid { get; }

    /// <summary>The criu binary: <c>criu</c> on PATH (as runc finds it).</summary>
    public static string? FindBinary()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin").Split(':'))
        {
            var path = Path.Combine(dir.Length == 0 ? "." : dir, "criu");
            if (File.Exists(path))
                return path;
        }
        return null;
    }

    /// <summary>Starts <c>criu swrk 3</c> with <paramref name="stdio"/> as its fds 0-2 (null: this process's own).</summary>
    /// <exception cref="CheckpointException">criu is not installed.</exception>
    public static unsafe CriuSwrk Start(IReadOnlyList<SafeHandle?> stdio)
    {
        var criu = FindBinary() ?? throw new CheckpointException("criu was not found on PATH (install the criu package)", null);
        var pair = stackalloc int[2];
        if (Libc.SocketPair(Libc.AF_UNIX, Libc.SOCK_SEQPACKET | Libc.SOCK_CLOEXEC, 0, pair) < 0)
            throw SyscallException.FromLastError("socketpair", "criu swrk");
        int host = pair[0], child = pair[1];
        var moved = new List<int>();
        var actions = NativeMemory.AllocZeroed(Libc.SpawnStructSize);
        Libc.PosixSpawnFileActionsInit(actions);
        try
        {
            // Every source fd is moved above 10 first, so that no dup2 below overwrites one still to be placed.
            var sources = new int[4];
            for (var i = 0; i < 4; i++)
            {
                var fd = i == 3 ? child : stdio.Count > i && stdio[i] is { } h ? (int)h.DangerousGetHandle() : -1;
                if (fd < 0)
                {
                    sources[i] = -1;
                    continue;
                }
                var high = Libc.Fcntl(fd, Libc.F_DUPFD_CLOEXEC, 10);
                if (high < 0)
                    throw SyscallException.FromLastError("fcntl(F_DUPFD_CLOEXEC)", "criu swrk");
                moved.Add(high);
                sources[i] = high;
            }
            for (var i = 0; i < 4; i++)
                if (sources[i] >= 0)
                    Check(Libc.PosixSpawnFileActionsAddDup2(actions, sources[i], i), "posix_spawn_file_actions_adddup2");
            try
            {
                Libc.PosixSpawnFileActionsAddCloseFrom(actions, 4);
            }
            catch (EntryPointNotFoundException)
            {
                // An older C library: only descriptors without close-on-exec reach criu, as with any child.
            }
            var path = Marshal.StringToCoTaskMemUTF8(criu);
            var argv0 = Marshal.StringToCoTaskMemUTF8("criu");
            var argv1 = Marshal.StringToCoTaskMemUTF8("swrk");
            var argv2 = Marshal.StringToCoTaskMemUTF8("3");
            // criu runs iptables-save, ip and nft from PATH while it dumps a network namespace.
            var env = Marshal.StringToCoTaskMemUTF8("PATH=" + (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin"));
            try
            {
                var argv = stackalloc byte*[4] { (byte*)argv0, (byte*)argv1, (byte*)argv2, null };
                var envp = stackalloc byte*[2] { (byte*)env, null };
                int pid;
                var rc = Libc.PosixSpawn(&pid, (byte*)path, actions, null, argv, envp);
                if (rc != 0)
                    throw new SyscallException("posix_spawn", criu, rc);
                Libc.Close(child);
                child = -1;
                return new CriuSwrk(pid, host);
            }
            finally
            {
                foreach (var s in new[] { path, argv0, argv1, argv2, env })
                    Marshal.FreeCoTaskMem(s);
            }
        }
        catch
        {
            Libc.Close(host);
            throw;
        }
        finally
        {
            if (child >= 0)
                Libc.Close(child);
            foreach (var fd in moved)
                Libc.Close(fd);
            Libc.PosixSpawnFileActionsDestroy(actions);
            NativeMemory.Free(actions);
        }
    }

    /// <summary>
    /// Sends <paramref name="request"/> and answers CRIU's notifications (each passed to <paramref name="notify"/> first)
    /// until the final response, which is returned. Cancellation kills CRIU (which then undoes what it did).
    /// </summary>
    /// <exception cref="CheckpointException">CRIU closed the socket without a final response.</exception>
    public async Task<CriuResponse> CallAsync(byte[] request, Func<CriuResponse, Task>? notify, CancellationToken cancellationToken)
    {
        using var cancel = cancellationToken.Register(static s => ((CriuSwrk)s!).Kill(), this);
        await _socket.SendAsync(request, SocketFlags.None, CancellationToken.None).ConfigureAwait(false);
        var buffer = new byte[MaxMessage];
        while (true)
        {
            int n;
            try
            {
                n = await _socket.ReceiveAsync(buffer, SocketFlags.None, CancellationToken.None).ConfigureAwait(false);
            }
            catch (SocketException) when (cancellationToken.IsCancellationRequested)
            {
                n = 0;
            }
            cancellationToken.ThrowIfCancellationRequested();
            if (n == 0)
                throw new CheckpointException("criu swrk exited without answering", null);
            var response = CriuResponse.Parse(buffer.AsSpan(0, n));
            if (response.Type != CriuRequestType.Notify)
                return response;
            if (notify is not null)
                await notify(response).ConfigureAwait(false);
            await _socket.SendAsync(CriuRequest.NotifyAck(), SocketFlags.None, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private void Kill()
    {
        if (Volatile.Read(ref _reaped) == 0)
            Libc.Kill(Pid, Libc.SIGKILL);
        _socket.Dispose();
    }

    /// <summary>Closes the socket (CRIU exits when it closes) and collects CRIU's exit status.</summary>
    public unsafe void Dispose()
    {
        _socket.Dispose();
        if (Interlocked.Exchange(ref _reaped, 1) != 0)
            return;
        int status;
        // ECHILD: a host that reaps every child (a .NET PID 1) got there first.
        while (Libc.WaitPid(Pid, &status, 0) < 0 && Marshal.GetLastPInvokeError() == Errno.EINTR)
        {
        }
    }

    private static void Check(int rc, string call)
    {
        if (rc != 0)
            throw new SyscallException(call, "criu swrk", rc);
    }
}
