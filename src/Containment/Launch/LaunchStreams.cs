using System.IO.Pipes;
using System.Runtime.InteropServices;
using System.Text;
using Containment.Interop;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Containment.Launch;

/// <summary>
/// Opens the container's standard streams: the container's end of each goes into the plan, the host's end
/// of each pipe becomes a stream. Disposing releases the container's ends (the executor holds its own copies).
/// </summary>
internal sealed class LaunchStreams : IDisposable
{
    private readonly List<SafeHandle> _containerEnds = [];
    private readonly List<IDisposable> _hostEnds = [];

    public StreamWriter? Input { get; private set; }
    public StreamReader? Output { get; private set; }
    public StreamReader? Error { get; private set; }

    /// <summary>Opens the streams; each output pipe keeps up to <c>unreadOutputLimit</c> bytes for a caller who has not read it
    /// (see <see cref="DrainedPipeStream"/>); the first byte dropped is logged to <paramref name="logger"/> for container <paramref name="id"/>.</summary>
    public static LaunchStreams Open(ProcessSpec process, LaunchInputs inputs, long unreadOutputLimit, ILogger logger, string id)
    {
        var streams = new LaunchStreams();
        if (process.Terminal is not null)
            return streams; // the terminal's slave becomes fds 0-2 in the container
        try
        {
            inputs.Stdio[0] = streams.OpenOne(process.StandardInput, 0, out var stdin);
            inputs.Stdio[1] = streams.OpenOne(process.StandardOutput, 1, out var stdout);
            inputs.Stdio[2] = streams.OpenOne(process.StandardError, 2, out var stderr);
            if (stdin is not null)
                streams.Input = new StreamWriter(stdin, new UTF8Encoding(false)) { AutoFlush = true };
            if (stdout is not null)
                streams.Output = new StreamReader(streams.Drain(stdout, unreadOutputLimit, DropLogger(logger, id, "stdout")), Encoding.UTF8);
            if (stderr is not null)
                streams.Error = new StreamReader(streams.Drain(stderr, unreadOutputLimit, DropLogger(logger, id, "stderr")), Encoding.UTF8);
            return streams;
        }
        catch
        {
            streams.Dispose();
            streams.DisposeHostEnds();
            throw;
        }
    }

    private static Action<long> DropLogger(ILogger logger, string id, string stream) => limit =>
        logger.LogWarning(LogEvents.OutputDropped, "Container {Id}: its {Stream} was not read and {Limit} bytes are buffered (UnreadOutputLimit); further unread output is dropped",
            id, stream, limit);

    private DrainedPipeStream Drain(Stream pipe, long limit, Action<long> onFirstDrop)
    {
        var drained = new DrainedPipeStream(pipe, limit, onFirstDrop);
        _hostEnds.Add(drained);
        return drained;
    }

    private SafeHandle? OpenOne(Stdio stdio, int fd, out Stream? hostStream)
    {
        hostStream = null;
        switch (stdio)
        {
            case Stdio.InheritStdio:
                return null;
            case Stdio.PipeStdio:
                var (read, write) = Pipe();
                var (containerEnd, hostEnd) = fd == 0 ? (read, write) : (write, read);
                _containerEnds.Add(containerEnd);
                hostStream = new AnonymousPipeClientStream(fd == 0 ? PipeDirection.Out : PipeDirection.In, new SafePipeHandle(hostEnd.DangerousGetHandle(), true));
                hostEnd.SetHandleAsInvalid();
                _hostEnds.Add(hostStream);
                return containerEnd;
            case Stdio.FileStdio file:
                var flags = fd == 0 ? Libc.O_RDONLY : Libc.O_WRONLY | Libc.O_CREAT | (file.Append ? Libc.O_APPEND : Libc.O_TRUNC);
                var handle = OpenFile(file.Path, flags | Libc.O_CLOEXEC, fd);
                _containerEnds.Add(handle);
                return handle;
            case Stdio.HandleStdio given:
                return given.SafeHandle;
            default:
                throw new ArgumentOutOfRangeException(nameof(stdio));
        }
    }

    /// <summary>A standard stream's file: one that cannot be opened is a mistake in the spec, reported before anything starts.</summary>
    private static SafeFileHandle OpenFile(string path, int flags, int fd)
    {
        var raw = Libc.Open(path, flags, 0x1a4);
        if (raw < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            var field = fd switch { 0 => "process.stdin", 1 => "process.stdout", _ => "process.stderr" };
            var why = errno == Errno.ENOENT && fd != 0 ? $"its directory '{Path.GetDirectoryName(path)}' does not exist" : Marshal.GetPInvokeErrorMessage(errno);
            throw new ContainerSpecException([new SpecError(field, $"cannot open '{path}': {Errno.Name(errno)} ({why})")]);
        }
        return new SafeFileHandle(raw, ownsHandle: true);
    }

    private static unsafe (SafeFileHandle Read, SafeFileHandle Write) Pipe()
    {
        var fds = stackalloc int[2];
        if (Libc.Pipe2(fds, Libc.O_CLOEXEC) < 0)
            throw SyscallException.FromLastError("pipe2", "standard stream");
        return (new SafeFileHandle(fds[0], true), new SafeFileHandle(fds[1], true));
    }

    /// <summary>Closes the host's streams (on a failed start).</summary>
    public void DisposeHostEnds()
    {
        foreach (var h in _hostEnds)
            h.Dispose();
    }

    /// <summary>Closes the container's ends: once they are sent to the executor, the host keeps none.</summary>
    public void Dispose()
    {
        foreach (var h in _containerEnds)
            h.Dispose();
        _containerEnds.Clear();
    }
}
