using System.Runtime.InteropServices;
using Containment.Interop;
using Microsoft.Win32.SafeHandles;

namespace Containment.Hooks;

/// <summary>
/// A hook started in the caller's namespaces with <c>posix_spawn</c> (libc forks and executes; no managed code runs in
/// the child), so that its <c>argv[0]</c> is the hook's <c>args[0]</c> as the runtime spec says, which
/// <see cref="System.Diagnostics.Process"/> cannot do. Standard input, output and error are pipes; every other descriptor
/// is closed (glibc 2.34+; elsewhere only the close-on-exec ones); signal dispositions and the mask are the defaults
/// (.NET ignores SIGPIPE); the hook leads a process group of its own, which <see cref="Kill"/> ends whole.
/// </summary>
internal sealed class SpawnedHook : IDisposable
{
    private readonly Thread _reaper;
    private readonly TaskCompletionSource<int> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SpawnedHook(int pid, SafeFileHandle stdin, SafeFileHandle stdout, SafeFileHandle stderr)
    {
        Pid = pid;
        StandardInput = new StreamWriter(new FileStream(stdin, FileAccess.Write, 1));
        StandardOutput = new StreamReader(new FileStream(stdout, FileAccess.Read, 1));
        StandardError = new StreamReader(new FileStream(stderr, FileAccess.Read, 1));
        _reaper = new Thread(Reap) { IsBackground = true, Name = "containment-hook-reap" };
        _reaper.Start();
    }

    public int Pid { get; }
    public StreamWriter StandardInput { get; }
    public StreamReader StandardOutput { get; }
    public StreamReader StandardError { get; }

    /// <summary>The wait status (waitpid's), once the hook has exited; -1 when another reaper took it (a .NET PID 1).</summary>
    public Task<int> Exit => _exit.Task;

    /// <summary>Starts <paramref name="path"/> with <paramref name="argv"/> (argv[0] included) and exactly <paramref name="env"/>.</summary>
    /// <exception cref="SyscallException">pipe2 or posix_spawn failed (ENOENT, EACCES: the path).</exception>
    public static unsafe SpawnedHook Start(string path, IReadOnlyList<string> argv, IReadOnlyList<string> env)
    {
        var fds = new List<int>();
        var strings = new List<IntPtr>();
        var actions = NativeMemory.AllocZeroed(Libc.SpawnStructSize);
        var attr = NativeMemory.AllocZeroed(Libc.SpawnStructSize);
        var signals = NativeMemory.AllocZeroed(Libc.SigSetSize);
        Libc.PosixSpawnFileActionsInit(actions);
        Libc.PosixSpawnAttrInit(attr);
        try
        {
            // [0]: stdin (the child reads), [1]: stdout, [2]: stderr (the child writes).
            var child = new int[3];
            var parent = new int[3];
            var pipe = stackalloc int[2];
            for (var i = 0; i < 3; i++)
            {
                if (Libc.Pipe2(pipe, Libc.O_CLOEXEC) < 0)
                    throw SyscallException.FromLastError("pipe2", $"hook {path}");
                fds.Add(pipe[0]);
                fds.Add(pipe[1]);
                (child[i], parent[i]) = i == 0 ? (pipe[0], pipe[1]) : (pipe[1], pipe[0]);
                // dup2 onto its own number would keep close-on-exec: keep the child's ends above 2.
                if (child[i] <= 2)
                {
                    var moved = Libc.Fcntl(child[i], Libc.F_DUPFD_CLOEXEC, 3);
                    if (moved < 0)
                        throw SyscallException.FromLastError("fcntl(F_DUPFD_CLOEXEC)", $"hook {path}");
                    fds.Add(moved);
                    child[i] = moved;
                }
            }
            for (var i = 0; i < 3; i++)
                Check(Libc.PosixSpawnFileActionsAddDup2(actions, child[i], i), "posix_spawn_file_actions_adddup2", path);
            CloseFromThree(actions);
            Libc.SigFillSet(signals);
            Check(Libc.PosixSpawnAttrSetSigDefault(attr, signals), "posix_spawnattr_setsigdefault", path);
            Libc.SigEmptySet(signals);
            Check(Libc.PosixSpawnAttrSetSigMask(attr, signals), "posix_spawnattr_setsigmask", path);
            Check(Libc.PosixSpawnAttrSetPgroup(attr, 0), "posix_spawnattr_setpgroup", path);
            Check(Libc.PosixSpawnAttrSetFlags(attr, Libc.POSIX_SPAWN_SETSIGDEF | Libc.POSIX_SPAWN_SETSIGMASK | Libc.POSIX_SPAWN_SETPGROUP),
                "posix_spawnattr_setflags", path);

            var argvp = stackalloc byte*[argv.Count + 1];
            var envp = stackalloc byte*[env.Count + 1];
            for (var i = 0; i < argv.Count; i++)
                strings.Add((IntPtr)(argvp[i] = (byte*)Marshal.StringToCoTaskMemUTF8(argv[i])));
            for (var i = 0; i < env.Count; i++)
                strings.Add((IntPtr)(envp[i] = (byte*)Marshal.StringToCoTaskMemUTF8(env[i])));
            argvp[argv.Count] = null;
            envp[env.Count] = null;
            var file = (byte*)Marshal.StringToCoTaskMemUTF8(path);
            strings.Add((IntPtr)file);
            int pid;
            var rc = Libc.PosixSpawn(&pid, file, actions, attr, argvp, envp);
            if (rc != 0)
                throw new SyscallException("posix_spawn", path, rc);
            foreach (var fd in fds.Where(fd => !parent.Contains(fd)))
                Libc.Close(fd);
            fds.Clear();
            return new SpawnedHook(pid,
                new SafeFileHandle(parent[0], ownsHandle: true), new SafeFileHandle(parent[1], ownsHandle: true), new SafeFileHandle(parent[2], ownsHandle: true));
        }
        finally
        {
            foreach (var fd in fds)
                Libc.Close(fd);
            foreach (var s in strings)
                Marshal.FreeCoTaskMem(s);
            Libc.PosixSpawnFileActionsDestroy(actions);
            Libc.PosixSpawnAttrDestroy(attr);
            NativeMemory.Free(actions);
            NativeMemory.Free(attr);
            NativeMemory.Free(signals);
        }
    }

    /// <summary>SIGKILLs the hook's process group: the hook and what it started, unless they left the group.</summary>
    public void Kill()
    {
        if (!_exit.Task.IsCompleted)
            Libc.Kill(-Pid, Libc.SIGKILL);
    }

    /// <summary>The exit code of a wait status, or 128 + the signal that ended it (as a shell reports it).</summary>
    public static int ExitCode(int status) => (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f);

    public void Dispose()
    {
        try
        {
            StandardInput.Dispose();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            // Input the hook never read (EPIPE on the flush), or a write still blocked on a pipe a process it left holds.
        }
        StandardOutput.Dispose();
        StandardError.Dispose();
    }

    private unsafe void Reap()
    {
        int status;
        while (Libc.WaitPid(Pid, &status, 0) < 0)
        {
            if (Marshal.GetLastPInvokeError() != Errno.EINTR)
            {
                _exit.SetResult(-1);
                return;
            }
        }
        _exit.SetResult(status);
    }

    private static unsafe void CloseFromThree(void* actions)
    {
        try
        {
            Libc.PosixSpawnFileActionsAddCloseFrom(actions, 3);
        }
        catch (EntryPointNotFoundException)
        {
            // An older glibc or musl: descriptors without close-on-exec (a caller's inherited ones) reach the hook, as before.
        }
    }

    private static void Check(int rc, string call, string path)
    {
        if (rc != 0)
            throw new SyscallException(call, $"hook {path}", rc);
    }
}
