using System.Globalization;

namespace Containment.Checkpoint;

/// <summary>
/// CRIU's cgroup roots (cg_root) for a restore into the cgroup this library created: each directory as a path inside its
/// hierarchy (the cgroup mount it is under), for every controller (cgroup v2: one root, no controller named).
/// </summary>
internal static class CgroupRoots
{
    private static readonly HashSet<string> NotControllers = ["rw", "ro", "nsdelegate", "memory_recursiveprot", "memory_localevents", "clone_children", "noprefix", "xattr", "cpuset_v2_mode", "favordynmods"];

    public static IReadOnlyList<(string? Controller, string Path)> Of(IEnumerable<string> directories)
    {
        var mounts = CgroupMounts();
        var roots = new List<(string?, string)>();
        foreach (var directory in directories)
        {
            var mount = mounts.Where(m => directory == m.Point || directory.StartsWith(m.Point + "/", StringComparison.Ordinal))
                .OrderByDescending(m => m.Point.Length).FirstOrDefault();
            if (mount.Point is null)
                continue;
            var relative = "/" + directory[mount.Point.Length..].TrimStart('/');
            if (mount.Controllers.Count == 0)
                roots.Add((null, relative));
            else
                roots.AddRange(mount.Controllers.Select(c => ((string?)c, relative)));
        }
        return roots;
    }

    private static List<(string Point, List<string> Controllers)> CgroupMounts()
    {
        var mounts = new List<(string, List<string>)>();
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            var fields = line.Split(' ');
            var dash = Array.IndexOf(fields, "-");
            if (dash < 0 || dash + 3 >= fields.Length)
                continue;
            var type = fields[dash + 1];
            if (type is not ("cgroup" or "cgroup2"))
                continue;
            var point = Unescape(fields[4]);
            var controllers = type == "cgroup2" ? [] : fields[dash + 3].Split(',')
                .Where(o => !o.Contains('=', StringComparison.Ordinal) && !NotControllers.Contains(o)).ToList();
            mounts.Add((point, controllers));
        }
        return mounts;
    }

    /// <summary>mountinfo escapes space, tab, newline and backslash as octal.</summary>
    private static string Unescape(string s) => !s.Contains('\\', StringComparison.Ordinal) ? s
        : System.Text.RegularExpressions.Regex.Replace(s, @"\\([0-7]{3})", m => ((char)Convert.ToInt32(m.Groups[1].Value, 8)).ToString(CultureInfo.InvariantCulture));
}
