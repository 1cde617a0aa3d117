using System.Runtime.InteropServices;
using Containment.Interop;
using Microsoft.Win32.SafeHandles;

namespace Containment.Checkpoint;

/// <summary>The directories CRIU works in (opened here, used by CRIU as /proc/PID/fd/N) and its log.</summary>
internal static class CriuDirectory
{
    private const int LogTailLines = 20;

    public static SafeFileHandle Open(string path, string what)
    {
        var fd = Libc.Open(path, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0);
        if (fd < 0)
            throw new CheckpointException($"cannot open the {what} '{path}': {Errno.Name(Marshal.GetLastPInvokeError())}", null);
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    public static SafeFileHandle OpenNull()
    {
        var fd = Libc.Open("/dev/null", Libc.O_RDWR | Libc.O_CLOEXEC, 0);
        if (fd < 0)
            throw SyscallException.FromLastError("open", "/dev/null");
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>The exception for a failed CRIU request: CRIU's own message and errno, and the end of its log.</summary>
    public static CheckpointException Failure(string what, CriuResponse response, string workPath, string logFile)
    {
        var log = Path.Combine(workPath, logFile);
        var detail = response.ErrorMessage ?? (response.Errno is { } e and > 0 ? $"{Errno.Name(e)} ({Marshal.GetPInvokeErrorMessage(e)})" : null);
        return new CheckpointException(detail is null ? $"{what} (see {log})" : $"{what}: {detail} (see {log})", Tail(log)) { LogPath = log };
    }

    /// <summary>The last lines of a CRIU log, or null when there is none.</summary>
    public static string? Tail(string log)
    {
        try
        {
            var lines = File.ReadLines(log).TakeLast(LogTailLines).ToList();
            return lines.Count == 0 ? null : string.Join(Environment.NewLine, lines);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
