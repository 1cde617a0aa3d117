using System.Runtime.InteropServices;
using System.Text;
using Containment.Interop;
using Microsoft.Win32.SafeHandles;

namespace Containment.Cgroups.Fs;

/// <summary>
/// An open cgroup directory. Every file and sub-directory is reached through this directory's fd with
/// openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV) — or, on kernels without openat2, one
/// O_NOFOLLOW component at a time — never by joining strings, so a symlink or <c>..</c> cannot redirect a write.
/// </summary>
internal sealed class CgroupDirectory : IDisposable
{
    private static bool noOpenat2;

    private CgroupDirectory(SafeFileHandle handle, string path)
    {
        Handle = handle;
        Path = path;
    }

    /// <summary>The directory fd (O_RDONLY | O_DIRECTORY | O_CLOEXEC).</summary>
    public SafeFileHandle Handle { get; }

    /// <summary>The directory's path, for messages and logs only: it is never used to open anything.</summary>
    public string Path { get; }

    internal int Fd => (int)Handle.DangerousGetHandle();

    /// <summary>Opens the root of a cgroup mount.</summary>
    public static CgroupDirectory OpenRoot(string mountPoint)
    {
        var fd = Libc.Open(mountPoint, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0);
        if (fd < 0) throw Failure("open", mountPoint, null, null);
        return new CgroupDirectory(new SafeFileHandle(fd, ownsHandle: true), mountPoint.TrimEnd('/'));
    }

    /// <summary>Opens <paramref name="relative"/> (slash-separated, no <c>.</c> or <c>..</c>) beneath this directory; null when it does not exist.</summary>
    public CgroupDirectory? TryOpenDirectory(string relative)
    {
        if (relative.Length == 0) return Reopen();
        var fd = OpenBeneath(relative, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno == Errno.ENOENT) return null;
            throw Failure("openat2", Path + "/" + relative, null, null, errno);
        }
        return new CgroupDirectory(new SafeFileHandle(fd, ownsHandle: true), relative == "." ? Path : Path + "/" + relative);
    }

    private CgroupDirectory Reopen() =>
        TryOpenDirectory(".") ?? throw new CgroupException($"cannot reopen {Path}");

    /// <summary>
    /// Opens <paramref name="relative"/> beneath this directory, creating each missing component (mode 0755);
    /// the created components' paths (relative to this directory) are appended to <paramref name="created"/>, outermost first.
    /// A component removed between its open and the mkdir beneath it (ENOENT: the last container in the default parent
    /// went, see <see cref="CgroupNode.Dispose"/>) is made again.
    /// </summary>
    public CgroupDirectory CreateDirectories(string relative, List<string> created)
    {
        var ours = created.Count;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return CreateDirectoriesOnce(relative, created);
            }
            catch (CgroupException e) when (e.Errno == Errno.ENOENT && attempt < 100)
            {
                // What we made and someone removed since is no longer ours to remove.
                for (var i = created.Count - 1; i >= ours; i--)
                    if (!Exists(created[i])) created.RemoveAt(i);
            }
        }
    }

    private CgroupDirectory CreateDirectoriesOnce(string relative, List<string> created)
    {
        var current = Reopen();
        var sofar = "";
        try
        {
            foreach (var name in relative.Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                sofar = sofar.Length == 0 ? name : sofar + "/" + name;
                var next = current.TryOpenDirectory(name);
                if (next is null)
                {
                    if (Libc.MkdirAt(current.Fd, name, 0x1ed) < 0)
                    {
                        var errno = Marshal.GetLastPInvokeError();
                        if (errno != Errno.EEXIST) throw Failure("mkdirat", current.Path + "/" + name, null, null, errno);
                    }
                    else created.Add(sofar);
                    next = current.TryOpenDirectory(name) ?? throw Failure("openat2", current.Path + "/" + name, null, null, Errno.ENOENT);
                }
                current.Dispose();
                current = next;
            }
            return current;
        }
        catch
        {
            current.Dispose();
            throw;
        }
    }

    /// <summary>Removes the empty directory <paramref name="relative"/> beneath this one; returns the errno (0 on success).</summary>
    public int RemoveDirectory(string relative)
    {
        var slash = relative.LastIndexOf('/');
        using var parent = slash < 0 ? Reopen() : TryOpenDirectory(relative[..slash]);
        if (parent is null) return Errno.ENOENT;
        return Libc.UnlinkAt(parent.Fd, relative[(slash + 1)..], Libc.AT_REMOVEDIR) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>Whether the file exists beneath this directory.</summary>
    public bool Exists(string file)
    {
        var fd = OpenBeneath(file, Libc.O_PATH | Libc.O_CLOEXEC);
        if (fd < 0) return false;
        Libc.Close(fd);
        return true;
    }

    /// <summary>Opens a file beneath this directory, or throws naming the controller and the file.</summary>
    public SafeFileHandle OpenFile(string controller, string file, int flags)
    {
        var fd = OpenBeneath(file, flags | Libc.O_CLOEXEC);
        if (fd < 0) throw Failure("open", Path + "/" + file, controller, file);
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>Reads a whole file, or null when it does not exist.</summary>
    public string? TryRead(string file)
    {
        var fd = OpenBeneath(file, Libc.O_RDONLY | Libc.O_CLOEXEC);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno is Errno.ENOENT or Errno.ENODEV) return null;
            throw Failure("open", Path + "/" + file, null, file, errno);
        }
        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        return ReadAll(handle, Path + "/" + file);
    }

    /// <summary>Reads a whole file, or throws naming the controller and the file.</summary>
    public string Read(string controller, string file) =>
        TryRead(file) ?? throw Missing(controller, file);

    /// <summary>Writes <paramref name="value"/> to a cgroup file in one write(2).</summary>
    public void Write(string controller, string file, string value)
    {
        var fd = OpenBeneath(file, Libc.O_WRONLY | Libc.O_APPEND | Libc.O_CLOEXEC);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno == Errno.ENOENT) throw Missing(controller, file);
            throw Failure("open", Path + "/" + file, controller, file, errno);
        }
        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        WriteAll(handle, value, controller, file, Path + "/" + file);
    }

    /// <summary>Writes a value (plus a newline, as echo does) to an open cgroup file in one write(2).</summary>
    public static unsafe void WriteAll(SafeFileHandle handle, string value, string controller, string file, string path)
    {
        var bytes = Encoding.UTF8.GetBytes(value + "\n");
        nint written;
        fixed (byte* p = bytes)
        {
            do written = Libc.Write((int)handle.DangerousGetHandle(), p, (nuint)bytes.Length);
            while (written < 0 && Marshal.GetLastPInvokeError() == Errno.EINTR);
        }
        if (written < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new CgroupException($"write '{value}' to {path}: {Errno.Name(errno)} ({Marshal.GetPInvokeErrorMessage(errno)})", controller, file, errno);
        }
    }

    private static unsafe string ReadAll(SafeFileHandle handle, string path)
    {
        var buffer = new byte[4096];
        var total = 0;
        while (true)
        {
            if (total == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
            nint n;
            fixed (byte* p = &buffer[total]) n = Libc.Read((int)handle.DangerousGetHandle(), p, (nuint)(buffer.Length - total));
            if (n < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == Errno.EINTR) continue;
                throw Failure("read", path, null, null, errno);
            }
            if (n == 0) break;
            total += (int)n;
        }
        return Encoding.UTF8.GetString(buffer, 0, total);
    }

    private int OpenBeneath(string relative, int flags)
    {
        if (!noOpenat2)
        {
            var how = new Libc.OpenHow
            {
                Flags = (ulong)flags,
                Resolve = Libc.RESOLVE_BENEATH | Libc.RESOLVE_NO_SYMLINKS | Libc.RESOLVE_NO_XDEV | Libc.RESOLVE_NO_MAGICLINKS,
            };
            var fd = Libc.OpenAt2(Fd, relative, how);
            if (fd >= 0 || Marshal.GetLastPInvokeError() != Errno.ENOSYS) return fd;
            noOpenat2 = true;
        }
        return OpenByComponents(relative, flags);
    }

    /// <summary>The fallback for kernels before 5.6: one O_NOFOLLOW openat per component.</summary>
    private int OpenByComponents(string relative, int flags)
    {
        var parts = relative.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Any(p => p == "..")) { Marshal.SetLastPInvokeError(Errno.EXDEV); return -1; }
        var dir = Fd;
        var owned = -1;
        try
        {
            for (var i = 0; i < parts.Length - 1; i++)
            {
                var next = Libc.OpenAt(dir, parts[i], Libc.O_PATH | Libc.O_DIRECTORY | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0);
                if (next < 0) return -1;
                if (owned >= 0) Libc.Close(owned);
                dir = owned = next;
            }
            return Libc.OpenAt(dir, parts.Length == 0 ? "." : parts[^1], flags | Libc.O_NOFOLLOW, 0);
        }
        finally
        {
            if (owned >= 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                Libc.Close(owned);
                Marshal.SetLastPInvokeError(errno);
            }
        }
    }

    internal CgroupException Missing(string controller, string file) =>
        new($"the running kernel cannot honour the {controller} setting: {file} does not exist in {Path}", controller, file, Errno.ENOENT);

    private static CgroupException Failure(string call, string path, string? controller, string? file, int errno = -1)
    {
        if (errno < 0) errno = Marshal.GetLastPInvokeError();
        return new CgroupException($"{call}({path}): {Errno.Name(errno)} ({Marshal.GetPInvokeErrorMessage(errno)})", controller, file, errno);
    }

    /// <inheritdoc />
    public void Dispose() => Handle.Dispose();
}
