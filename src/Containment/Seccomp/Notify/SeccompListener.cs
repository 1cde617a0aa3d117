using System.Runtime.InteropServices;
using Containment.Interop;
using Microsoft.Win32.SafeHandles;

namespace Containment.Seccomp.Notify;

/// <summary>
/// The ioctls of a seccomp notify listener fd (seccomp_unotify(2)). Each call holds a reference on the handle, so a
/// listener closed meanwhile fails with EBADF rather than touching a reused fd number.
/// </summary>
internal sealed class SeccompListener(SafeFileHandle handle) : IDisposable
{
    public SafeFileHandle Handle { get; } = handle;

    /// <summary>Takes the next pending notification (SECCOMP_IOCTL_NOTIF_RECV); 0 or an errno (ENOENT: it went away).</summary>
    public unsafe int Receive(out Libc.SeccompNotif notification)
    {
        notification = default; // the kernel insists on a zeroed struct
        fixed (Libc.SeccompNotif* n = &notification)
            return Ioctl(Libc.SECCOMP_IOCTL_NOTIF_RECV, (nint)n);
    }

    /// <summary>Answers a notification (SECCOMP_IOCTL_NOTIF_SEND); 0 or an errno (ENOENT: the call is gone).</summary>
    public unsafe int Send(ulong id, SeccompResponse response)
    {
        var resp = new Libc.SeccompNotifResp
        {
            Id = id,
            Val = response.Value,
            Error = response.Errno is { } e ? -(int)e : 0,
            Flags = response.IsContinue ? Libc.SECCOMP_USER_NOTIF_FLAG_CONTINUE : 0,
        };
        return Ioctl(Libc.SECCOMP_IOCTL_NOTIF_SEND, (nint)(&resp));
    }

    /// <summary>Whether the notification still waits for its answer (SECCOMP_IOCTL_NOTIF_ID_VALID).</summary>
    public unsafe bool IsValid(ulong id) => Ioctl(Libc.SECCOMP_IOCTL_NOTIF_ID_VALID, (nint)(&id)) == 0;

    private int Ioctl(ulong request, nint arg)
    {
        var added = false;
        try
        {
            Handle.DangerousAddRef(ref added);
            return Libc.Ioctl((int)Handle.DangerousGetHandle(), request, arg) < 0 ? Marshal.GetLastPInvokeError() : 0;
        }
        catch (ObjectDisposedException)
        {
            return Errno.EBADF;
        }
        finally
        {
            if (added)
                Handle.DangerousRelease();
        }
    }

    public void Dispose() => Handle.Dispose();
}
