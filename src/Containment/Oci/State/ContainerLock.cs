using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Containment.Interop;

namespace Containment.Oci;

/// <summary>
/// The exclusive lock on one container (<c>flock(LOCK_EX)</c> on <c>ROOT/ID/lock</c>), held until disposed.
/// Changes to the container's record go through it. Locks taken through separate opens exclude each other,
/// in this process as in others.
/// </summary>
internal sealed class ContainerLock : IDisposable
{
    private readonly ContainerStateStore _store;
    private readonly SafeFileHandle _handle;
    private bool _deleted;

    internal ContainerLock(ContainerStateStore store, string id, SafeFileHandle handle)
    {
        _store = store;
        Id = id;
        _handle = handle;
    }

    /// <summary>The container's id.</summary>
    public string Id { get; }

    /// <summary>Whether the lock is still held.</summary>
    public bool IsHeld => !_handle.IsClosed && !_deleted;

    /// <summary>Reads the container's record.</summary>
    public ContainerRecord Load()
    {
        ThrowIfReleased();
        return _store.Load(Id);
    }

    /// <summary>Replaces the container's record, atomically.</summary>
    /// <exception cref="ArgumentException">The record belongs to another container.</exception>
    public void Save(ContainerRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        ThrowIfReleased();
        if (record.Id != Id) throw new ArgumentException($"the record is for container {record.Id}, the lock for {Id}", nameof(record));
        try
        {
            ContainerStateStore.WriteRecord(_store.DirectoryOf(Id), record);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ContainerStateException($"container {Id}: cannot write its state: {e.Message}", e);
        }
    }

    /// <summary>Removes the container from the store and releases the lock. Callers waiting for the lock then
    /// find that the container no longer exists.</summary>
    public void Delete()
    {
        ThrowIfReleased();
        var directory = _store.DirectoryOf(Id);
        var doomed = Path.Combine(_store.Root, $".deleted-{Guid.NewGuid():N}");
        try
        {
            using var removing = StateRootLock.Shared(_store.Root); // a cleanup leaves the doomed folder to us
            Directory.Move(directory, doomed); // the id disappears at once
            Directory.Delete(doomed, recursive: true); // unlinks the lock file: waiters see nlink == 0
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ContainerStateException($"container {Id}: cannot delete its state: {e.Message}", e);
        }
        _deleted = true;
        Dispose();
    }

    /// <summary>Releases the lock.</summary>
    public void Dispose() => _handle.Dispose();

    private void ThrowIfReleased()
    {
        if (!IsHeld) throw new ObjectDisposedException(nameof(ContainerLock), $"the lock on container {Id} was released");
    }

    /// <summary>Opens the container's lock file and locks it; <c>null</c> on timeout.</summary>
    internal static ContainerLock? Open(ContainerStateStore store, string id, TimeSpan timeout)
    {
        var path = Path.Combine(store.DirectoryOf(id), ContainerStateStore.LockFileName);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var handle = OpenLockFile(path, create: false) ?? throw new ContainerNotFoundException(id);
            var remaining = timeout == Timeout.InfiniteTimeSpan ? timeout
                : timeout - clock.Elapsed < TimeSpan.Zero ? TimeSpan.Zero : timeout - clock.Elapsed;
            bool locked;
            try
            {
                locked = Acquire(handle, id, remaining);
            }
            catch
            {
                handle.Dispose();
                throw;
            }
            if (!locked)
            {
                handle.Dispose();
                return null;
            }
            if (LinkCount(handle, id) > 0) return new ContainerLock(store, id, handle);
            // The container was deleted while we waited; its id may have been reused since: look again.
            handle.Dispose();
        }
    }

    internal static SafeFileHandle? OpenLockFile(string path, bool create)
    {
        var flags = Libc.O_RDWR | Libc.O_CLOEXEC | Libc.O_NOFOLLOW | (create ? Libc.O_CREAT : 0);
        var fd = Libc.Open(path, flags, 0b110_000_000);
        if (fd >= 0) return new SafeFileHandle(fd, ownsHandle: true);
        var errno = Marshal.GetLastPInvokeError();
        if (errno is Errno.ENOENT or Errno.ENOTDIR && !create) return null;
        throw new ContainerStateException($"open {path}: {Errno.Name(errno)}");
    }

    /// <summary>flock(LOCK_EX): blocking when the timeout is infinite, polling otherwise.</summary>
    internal static bool Acquire(SafeFileHandle handle, string id, TimeSpan timeout)
    {
        var fd = (int)handle.DangerousGetHandle();
        var clock = Stopwatch.StartNew();
        var blocking = timeout == Timeout.InfiniteTimeSpan;
        while (true)
        {
            if (Libc.Flock(fd, Libc.LOCK_EX | (blocking ? 0 : Libc.LOCK_NB)) == 0) return true;
            var errno = Marshal.GetLastPInvokeError();
            if (errno == Errno.EINTR) continue;
            if (errno != Errno.EAGAIN) throw new ContainerStateException($"container {id}: flock: {Errno.Name(errno)}");
            if (clock.Elapsed >= timeout) return false;
            Thread.Sleep(TimeSpan.FromMilliseconds(Math.Min(10, Math.Max(1, (timeout - clock.Elapsed).TotalMilliseconds))));
        }
    }

    private static unsafe uint LinkCount(SafeFileHandle handle, string id)
    {
        var buffer = stackalloc byte[Libc.StatxSize];
        if (Libc.Statx((int)handle.DangerousGetHandle(), "", Libc.AT_EMPTY_PATH, Libc.STATX_NLINK, buffer) != 0)
            throw new ContainerStateException($"container {id}: statx on its lock file: {Errno.Name(Marshal.GetLastPInvokeError())}");
        return *(uint*)(buffer + Libc.StatxNlinkOffset);
    }
}
