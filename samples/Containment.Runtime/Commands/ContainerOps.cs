using Containment.Oci;

namespace Containment.Runtime.Commands;

/// <summary>Operations on a container's processes and cgroup that several commands share.</summary>
internal static class ContainerOps
{
    /// <summary>The container's cgroup directories, as recorded at create.</summary>
    public static IReadOnlyList<string> CgroupPaths(ContainerRecord record) =>
        record.RuntimeData?.GetValueOrDefault("cgroupPaths")?.Split('\n', StringSplitOptions.RemoveEmptyEntries) ?? [];

    /// <summary>The container's live cgroup (v1 or v2), found by its id and OCI cgroupsPath as recorded at create.</summary>
    public static Cgroups.Cgroup OpenCgroup(Runtime runtime, ContainerRecord record)
    {
        var log = runtime.Log;
        try
        {
            return Cgroups.Cgroup.Open(record.Id, record.RuntimeData?.GetValueOrDefault(Runtime.CgroupsPathKey), runtime.DriverOf(record));
        }
        catch (Cgroups.CgroupException e)
        {
            log.Debug(e.Message);
            throw new CliException($"container \"{record.Id}\" has no cgroup: {e.Message}");
        }
    }

    /// <summary>Every process in the container's cgroups (none in a cgroup that is gone, or goes while it is read).</summary>
    public static IReadOnlyList<int> Processes(ContainerRecord record) =>
        CgroupPaths(record)
            .Select(p => Path.Combine(p, "cgroup.procs"))
            .SelectMany(ReadLinesIfPresent)
            .Where(l => l.Length > 0)
            .Select(int.Parse)
            .Distinct()
            .Order()
            .ToList();

    /// <summary>
    /// The lines of a cgroup file, or none once the cgroup is removed: a foreground <c>run</c> removes its cgroup when its
    /// container ends, which a <c>delete --force</c> of it causes, so the file can vanish between listing and reading.
    /// </summary>
    private static string[] ReadLinesIfPresent(string file)
    {
        try
        {
            return File.ReadAllLines(file);
        }
        catch (IOException) when (!File.Exists(file)) // ENOENT, or ENODEV from a cgroup removed while open
        {
            return [];
        }
    }

    /// <summary>Sends a signal to the container's init, never to a recycled pid.</summary>
    public static bool Signal(ContainerRecord record, int signal)
    {
        if (record.Process is not { } init || !init.IsAlive())
            return false;
        return Interop.Kill(init.Pid, signal) == 0;
    }

    /// <summary>Kills everything in the container and waits until init is gone (or a zombie its reaper has not collected).</summary>
    public static async Task KillAllAndWaitAsync(ContainerRecord record, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 500; attempt++)
        {
            var alive = record.Process is { } init && init.IsAlive();
            // A zombie stays listed in a v1 cgroup.procs until its reaper (the manager's shim) collects it: it is gone.
            var others = Processes(record).Where(pid => ProcessIdentity.Of(pid)?.IsAlive() == true).ToList();
            if (!alive && others.Count == 0)
                return;
            if (alive)
                Signal(record, 9);
            foreach (var pid in others)
                Interop.Kill(pid, 9);
            await Task.Delay(10, cancellationToken);
        }
        throw new CliException($"container \"{record.Id}\": processes survived SIGKILL");
    }

    /// <summary>
    /// The systemd driver: stops the container's scope, which removes its cgroup (systemd owns the directory). A scope
    /// that is gone already (it ends by itself once empty) is fine.
    /// </summary>
    public static void StopScope(Runtime runtime, ContainerRecord record)
    {
        try
        {
            using var cgroup = Cgroups.Cgroup.Open(record.Id, record.RuntimeData?.GetValueOrDefault(Runtime.CgroupsPathKey), Cgroups.CgroupDriverKind.Systemd);
            cgroup.Destroy();
        }
        catch (Cgroups.CgroupException e)
        {
            runtime.Log.Debug($"container {record.Id}: no systemd scope to stop ({e.Message})");
        }
    }

    /// <summary>Removes the container's cgroup directories (deepest first), once they are empty.</summary>
    public static void RemoveCgroups(ContainerRecord record, Log log)
    {
        foreach (var path in CgroupPaths(record).OrderByDescending(p => p.Length))
        {
            for (var attempt = 0; Directory.Exists(path); attempt++)
            {
                try
                {
                    Directory.Delete(path);
                }
                catch (IOException) when (attempt < 100)
                {
                    Thread.Sleep(10);
                }
                catch (IOException e)
                {
                    log.Warning($"cannot remove cgroup {path}: {e.Message}");
                    break;
                }
            }
        }
    }

    /// <summary>
    /// A create killed after its container was set up but before it recorded it leaves a cgroup (with init waiting in
    /// it) that the record does not name: found by the id and the bundle's cgroupsPath, emptied and removed.
    /// </summary>
    public static void RemoveUnrecordedCgroup(Runtime runtime, ContainerRecord record)
    {
        var log = runtime.Log;
        try
        {
            var cgroupsPath = OciConfig.LoadBundle(record.Bundle).Linux?.CgroupsPath;
            using var cgroup = Cgroups.Cgroup.Open(record.Id, string.IsNullOrEmpty(cgroupsPath) ? null : cgroupsPath, runtime.DriverOf(record));
            cgroup.Destroy();
        }
        catch (Exception e) when (e is ContainmentException or OciConfigException or IOException)
        {
            log.Debug($"container {record.Id}: no unrecorded cgroup to remove ({e.Message})");
        }
    }

    public static async Task WritePidFileAsync(string? path, int pid)
    {
        if (path is null)
            return;
        var full = Path.GetFullPath(path);
        var temp = full + ".tmp-" + Environment.ProcessId;
        await File.WriteAllTextAsync(temp, pid.ToString());
        File.Move(temp, full, overwrite: true);
    }
}
