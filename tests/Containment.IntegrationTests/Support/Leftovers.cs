namespace Containment.IntegrationTests.Support;

/// <summary>
/// What a killed host may have left of one container: live processes (adopted by the <see cref="Subreaper"/>, in
/// the container's cgroup, or in a namespace it had), cgroup directories in any hierarchy, mounts, namespaces.
/// </summary>
public static class Leftovers
{
    /// <summary>The container's cgroup directory in every mounted hierarchy (v1: each one; v2: the unified one).</summary>
    public static IReadOnlyList<string> CgroupDirectories(string id) =>
        File.ReadAllLines("/proc/self/mountinfo")
            .Select(l => l.Split(" - "))
            .Where(p => p[1].StartsWith("cgroup ", StringComparison.Ordinal) || p[1].StartsWith("cgroup2 ", StringComparison.Ordinal))
            .Select(p => Path.Combine(p[0].Split(' ')[4], "containment", id))
            .Where(Directory.Exists)
            .ToList();

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for everything of container <paramref name="id"/> to be gone; returns what
    /// is still there (empty when nothing is). Zombies adopted meanwhile are reaped.
    /// </summary>
    public static async Task<IReadOnlyList<string>> AwaitGone(string id, IReadOnlyCollection<int> childrenBefore, IReadOnlyCollection<string> namespaces,
        IReadOnlyList<string> mountsBefore, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var left = Find(id, childrenBefore, namespaces, mountsBefore);
            if (left.Count == 0 || DateTime.UtcNow > deadline)
                return left;
            await Task.Delay(20);
        }
    }

    private static List<string> Find(string id, IReadOnlyCollection<int> childrenBefore, IReadOnlyCollection<string> namespaces, IReadOnlyList<string> mountsBefore)
    {
        var left = new List<string>();
        left.AddRange(Subreaper.LiveAdopted(childrenBefore).Select(p => $"process {p} ({Comm(p)}) re-parented to the test"));
        left.AddRange(ProcScan.InCgroup($"/containment/{id}").Select(p => $"process {p} ({Comm(p)}) in the container's cgroup"));
        foreach (var ns in namespaces)
            left.AddRange(ProcScan.Holding(ns).Select(p => $"process {p} ({Comm(p)}) holds {ns}"));
        left.AddRange(CgroupDirectories(id).Select(d => $"cgroup directory {d}"));
        var mounts = HostSnapshot.MountPoints();
        left.AddRange(mounts.Except(mountsBefore).Select(m => $"host mount {m}"));
        left.AddRange(namespaces.Where(ns => File.ReadAllText("/proc/self/mountinfo").Contains(ns, StringComparison.Ordinal)).Select(ns => $"{ns} bind-mounted"));
        return left;
    }

    private static string Comm(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/comm").Trim(); }
        catch (IOException) { return "gone"; }
    }

    /// <summary>Kills what <see cref="AwaitGone"/> found, so that one failure does not leak into the next test.</summary>
    public static void Remove(string id)
    {
        foreach (var pid in ProcScan.InCgroup($"/containment/{id}"))
            _ = Interop.Libc.Kill(pid, 9);
        Thread.Sleep(100);
        foreach (var dir in CgroupDirectories(id))
        {
            try { Directory.Delete(dir); }
            catch (IOException) { }
        }
    }
}
