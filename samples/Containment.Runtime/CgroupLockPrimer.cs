namespace Containment.Runtime;

/// <summary>
/// On cgroup v1 the first <c>cgroup.procs</c> write of a burst waits for an RCU grace period (the kernel's threadgroup
/// rwsem), 3–20 ms here, while later writes within about one grace period do not. <c>create</c> and <c>run</c> start
/// such a write on a worker as they begin: this process's pid into the cgroup it is already in (no move), so the grace
/// period passes while the config is read and the container's cgroup is made, and the executor's join finds the
/// lock warm. Best effort: nothing is reported, nothing changes.
/// </summary>
internal static class CgroupLockPrimer
{
    public static void Start() => ThreadPool.UnsafeQueueUserWorkItem(static _ => Prime(), null);

    private static void Prime()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/cgroup"))
            {
                var fields = line.Split(':', 3);
                if (fields.Length == 3 && fields[1] == "pids")
                {
                    File.WriteAllText($"/sys/fs/cgroup/pids{fields[2].TrimEnd('/')}/cgroup.procs", Environment.ProcessId.ToString());
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not v1, not root, or no pids hierarchy: there is nothing to warm.
        }
    }
}
