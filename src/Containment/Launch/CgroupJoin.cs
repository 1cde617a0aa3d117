using System.Runtime.InteropServices;
using Containment.Identity;
using Containment.Interop;
using Microsoft.Win32.SafeHandles;

namespace Containment.Launch;

/// <summary>Joins the cgroups of a running process (the OCI <c>exec</c>): reads /proc/PID/cgroup and opens each one's target.</summary>
internal static class CgroupJoin
{
    /// <exception cref="ContainmentException">The process's cgroup is frozen (a paused container): an exec would hang in it.</exception>
    public static void OpenOf(int pid, LaunchInputs inputs, bool skipPausedCheck = false)
    {
        var mounts = CgroupMounts();
        var lines = File.ReadAllLines($"/proc/{pid}/cgroup");
        if (!skipPausedCheck && FrozenCgroup(lines, mounts) is { } frozen)
            throw new ContainmentException($"cannot exec in the container of pid {pid}: it is paused ({frozen}); resume it first");
        // A hierarchy where the target is in our own cgroup needs no move (a rootless container without a cgroup of
        // its own is in its caller's, which the caller may not be able to write).
        var ours = File.ReadAllLines("/proc/self/cgroup").ToHashSet();
        foreach (var line in lines)
        {
            if (ours.Contains(line))
                continue;
            // hierarchy-id:controllers:path
            var parts = line.Split(':', 3);
            if (parts.Length != 3)
                continue;
            var (controllers, path) = (parts[1], parts[2]);
            if (controllers.Length == 0)
            {
                // v2: clone straight into the directory when the unified hierarchy is the only one; in hybrid
                // mode, write the pid like for v1.
                if (mounts.V2 is null || path == "/")
                    continue;
                var dir = Path.Join(mounts.V2, path);
                if (mounts.V1.Count == 0)
                    inputs.CgroupDirectory = Own(inputs, Open(dir, Libc.O_PATH | Libc.O_DIRECTORY | Libc.O_CLOEXEC));
                else
                    inputs.CgroupProcs.Add(Own(inputs, Open(Path.Join(dir, "cgroup.procs"), Libc.O_WRONLY | Libc.O_CLOEXEC)));
                continue;
            }
            var key = controllers.StartsWith("name=", StringComparison.Ordinal) ? controllers : controllers.Split(',')[0];
            // The child writes itself into each tasks file (CgroupSelfJoin); rootless, the monitor writes its pid.
            if (path != "/" && mounts.V1.TryGetValue(key, out var mount))
                (Rootless.IsRootless ? inputs.CgroupProcs : inputs.CgroupTasks).Add(Own(inputs,
                    Open(Path.Join(mount, path, Rootless.IsRootless ? "cgroup.procs" : "tasks"), Libc.O_WRONLY | Libc.O_CLOEXEC)));
        }
    }

    /// <summary>The freezer file that says the process's cgroup is frozen or freezing, or null.</summary>
    private static string? FrozenCgroup(string[] lines, (Dictionary<string, string> V1, string? V2) mounts)
    {
        foreach (var line in lines)
        {
            var parts = line.Split(':', 3);
            if (parts.Length != 3 || parts[2] == "/")
                continue;
            if (parts[1].Length == 0 && mounts.V2 is not null)
            {
                var freeze = Path.Join(mounts.V2, parts[2], "cgroup.freeze");
                if (TryRead(freeze)?.Trim() == "1")
                    return $"{freeze} is 1";
            }
            else if (parts[1].Split(',').Contains("freezer") && mounts.V1.TryGetValue("freezer", out var mount))
            {
                var state = Path.Join(mount, parts[2], "freezer.state");
                if (TryRead(state)?.Trim() is "FROZEN" or "FREEZING")
                    return $"{state} is {TryRead(state)!.Trim()}";
            }
        }
        return null;
    }

    private static string? TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static SafeFileHandle Own(LaunchInputs inputs, SafeFileHandle handle)
    {
        inputs.Owned.Add(handle);
        return handle;
    }

    private static SafeFileHandle Open(string path, int flags)
    {
        var fd = Libc.Open(path, flags | Libc.O_NOFOLLOW, 0);
        if (fd < 0)
            throw new SyscallException("open", path, Marshal.GetLastPInvokeError(), "joining the container's cgroup");
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>v1 mount points by controller (and <c>name=...</c>), and the cgroup2 mount point.</summary>
    private static (Dictionary<string, string> V1, string? V2) CgroupMounts()
    {
        var v1 = new Dictionary<string, string>();
        string? v2 = null;
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            var dash = line.IndexOf(" - ", StringComparison.Ordinal);
            if (dash < 0)
                continue;
            var fields = line[..dash].Split(' ');
            var tail = line[(dash + 3)..].Split(' ');
            if (tail[0] == "cgroup2")
                v2 ??= fields[4];
            else if (tail[0] == "cgroup" && tail.Length > 2)
                foreach (var opt in tail[2].Split(','))
                    if (opt is not ("rw" or "ro") && !opt.Contains("relatime") && !opt.StartsWith("nosuid") && !opt.StartsWith("nodev") && !opt.StartsWith("noexec"))
                        v1.TryAdd(opt, fields[4]);
        }
        return (v1, v2);
    }
}
