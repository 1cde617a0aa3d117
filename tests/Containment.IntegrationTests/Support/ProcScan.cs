namespace Containment.IntegrationTests.Support;

/// <summary>What /proc says about every process on the machine: for finding what a dead host left behind.</summary>
public static class ProcScan
{
    public static IEnumerable<int> AllPids() =>
        Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Where(n => n!.All(char.IsAsciiDigit)).Select(n => int.Parse(n!));

    /// <summary>The state letter from /proc/PID/stat (R, S, Z, ...), or null when the process is gone.</summary>
    public static char? State(int pid)
    {
        var stat = TryRead($"/proc/{pid}/stat");
        var end = stat?.LastIndexOf(')') ?? -1;
        return end < 0 || end + 2 >= stat!.Length ? null : stat[end + 2];
    }

    /// <summary>Live (non-zombie) processes whose cgroup path, in any hierarchy, contains <paramref name="fragment"/>.</summary>
    public static IReadOnlyList<int> InCgroup(string fragment) =>
        AllPids().Where(p => IsInCgroup(p, fragment) && State(p) is not ('Z' or null)).ToList();

    /// <summary>Whether the process's cgroup paths contain <paramref name="fragment"/> (false when it is gone).</summary>
    public static bool IsInCgroup(int pid, string fragment) =>
        TryRead($"/proc/{pid}/cgroup")?.Contains(fragment, StringComparison.Ordinal) == true;

    /// <summary>A namespace's identity ("net:[4026532]"), or null when the process is gone.</summary>
    public static string? Namespace(int pid, string kind)
    {
        try { return new FileInfo($"/proc/{pid}/ns/{kind}").LinkTarget; }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>Live processes in the namespace, or holding it open through an fd.</summary>
    public static IReadOnlyList<int> Holding(string ns) =>
        AllPids().Where(p => State(p) is not ('Z' or null) && (Namespace(p, ns[..ns.IndexOf(':')]) == ns || HoldsFd(p, ns))).ToList();

    private static bool HoldsFd(int pid, string target)
    {
        try
        {
            return Directory.EnumerateFiles($"/proc/{pid}/fd").Any(f =>
            {
                try { return new FileInfo(f).LinkTarget == target; }
                catch (IOException) { return false; }
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    private static string? TryRead(string path)
    {
        try { return File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }
}
