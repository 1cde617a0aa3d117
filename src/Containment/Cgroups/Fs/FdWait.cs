using Containment.Interop;
using Microsoft.Win32.SafeHandles;

namespace Containment.Cgroups.Fs;

/// <summary>Waits for an fd to become readable without blocking a thread indefinitely (poll in short slices).</summary>
internal static class FdWait
{
    public static async Task WaitReadableAsync(SafeFileHandle handle, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await Task.Run(() => Poll(handle, 100), cancellationToken).ConfigureAwait(false)) return;
        }
    }

    private static unsafe bool Poll(SafeFileHandle handle, int timeoutMs)
    {
        var pfd = new Libc.PollFd { Fd = (int)handle.DangerousGetHandle(), Events = Libc.POLLIN };
        return Libc.Poll(&pfd, 1, timeoutMs) > 0;
    }

    /// <summary>Drains a non-blocking fd; returns the bytes read.</summary>
    public static unsafe int Drain(SafeFileHandle handle)
    {
        var buffer = stackalloc byte[4096];
        var total = 0;
        nint n;
        while ((n = Libc.Read((int)handle.DangerousGetHandle(), buffer, 4096)) > 0) total += (int)n;
        return total;
    }
}
