using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Containment.Interop;

namespace Containment.Oci;

/// <summary>
/// A <c>flock</c> on the state directory itself, which orders the folders that name no container
/// (<c>.new-*</c> being built, <c>.deleted-*</c> being removed) against their cleanup. Whoever makes such a folder holds
/// the lock shared from before the folder exists until it is renamed into place or gone; the cleanup holds it
/// exclusively, so every such folder it sees belongs to an operation that died (the kernel drops a dead holder's lock).
/// </summary>
internal sealed class StateRootLock : IDisposable
{
    private readonly SafeFileHandle _handle;

    private StateRootLock(SafeFileHandle handle) => _handle = handle;

    /// <summary>Shared: waits while a cleanup runs (it only removes folders, briefly).</summary>
    public static StateRootLock Shared(string root) =>
        Take(root, Libc.LOCK_SH) ?? throw new InvalidOperationException("a blocking flock returned without the lock");

    /// <summary>Exclusive if no operation is between making and finishing a temporary folder; <c>null</c> otherwise.</summary>
    public static StateRootLock? TryExclusive(string root) => Take(root, Libc.LOCK_EX | Libc.LOCK_NB);

    public void Dispose() => _handle.Dispose();

    private static StateRootLock? Take(string root, int operation)
    {
        var fd = Libc.Open(root, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0);
        if (fd < 0)
            throw new ContainerStateException($"open {root}: {Errno.Name(Marshal.GetLastPInvokeError())}");
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        while (Libc.Flock(fd, operation) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno == Errno.EINTR)
                continue;
            handle.Dispose();
            if (errno == Errno.EAGAIN)
                return null;
            throw new ContainerStateException($"flock {root}: {Errno.Name(errno)}");
        }
        return new StateRootLock(handle);
    }
}
