namespace Containment.Cgroup2Tests.Support;

/// <summary>Whether this machine is what the suite needs: root on a kernel whose /sys/fs/cgroup is the cgroup2 filesystem.</summary>
public static class PureCgroup2
{
    public const string Root = "/sys/fs/cgroup";

    /// <summary>Why the suite cannot run here, or null when it can.</summary>
    public static string? Missing()
    {
        if (Environment.UserName != "root") return "needs root";
        // mountinfo: id parent major:minor root mount-point options [optional...] - fstype source super-options
        var fsType = File.ReadLines("/proc/self/mountinfo")
            .Select(line => line.Split(' '))
            .Where(f => f.Length > 4 && f[4] == Root)
            .Select(f => f[Array.IndexOf(f, "-") + 1])
            .LastOrDefault();
        return fsType == "cgroup2" ? null
            : $"needs pure cgroup v2 ({Root} is {fsType ?? "not mounted"}); tests/cgroup2-vm/run.sh runs this suite in a VM booted with cgroup_no_v1=all";
    }

    /// <summary>Skips the calling fixture unless the machine is pure cgroup v2.</summary>
    public static void Require()
    {
        if (Missing() is { } why) Assert.Ignore(why);
    }

    /// <summary>The content of one file of a cgroup, trimmed.</summary>
    public static string Read(string cgroupPath, string file) => File.ReadAllText(Path.Combine(cgroupPath, file)).Trim();

    /// <summary>One key of a flat-keyed file such as <c>memory.events</c> (<c>oom_kill 1</c>).</summary>
    public static long Key(string cgroupPath, string file, string key) =>
        Read(cgroupPath, file).Split('\n').Select(l => l.Split(' ')).Where(kv => kv[0] == key).Select(kv => long.Parse(kv[1])).Single();
}
