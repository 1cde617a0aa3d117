using System.Runtime.InteropServices;
using Containment.Interop;

namespace Containment.Cgroups;

/// <summary>The machine's cgroup mounts and this process's place in them, found by probing.</summary>
internal sealed record CgroupLayout(CgroupMode Mode, IReadOnlyList<CgroupHierarchy> V1, CgroupHierarchy? Unified)
{
    /// <summary>The v1 hierarchy holding a controller (by its v1 name), or null.</summary>
    public CgroupHierarchy? V1For(string controller) => V1.FirstOrDefault(h => h.Controllers.Contains(controller));

    /// <summary>Probes this machine: /proc/self/mountinfo, /proc/self/cgroup and the filesystem magic of each mount.</summary>
    public static CgroupLayout Detect() =>
        Parse(File.ReadAllText("/proc/self/mountinfo"), File.ReadAllText("/proc/self/cgroup"), FilesystemMagic);

    /// <summary>The statfs magic of a path, or -1.</summary>
    public static long FilesystemMagic(string path)
    {
        var fd = Libc.Open(path, Libc.O_PATH | Libc.O_CLOEXEC, 0);
        if (fd < 0) return -1;
        try { return Libc.FStatFsType(fd); }
        finally { Libc.Close(fd); }
    }

    /// <summary>
    /// Builds the layout from the text of mountinfo and /proc/self/cgroup; <paramref name="magic"/> gives a
    /// path's filesystem magic (the mode is decided by the magic of <c>/sys/fs/cgroup</c>, confirmed per mount).
    /// </summary>
    public static CgroupLayout Parse(string mountinfo, string procSelfCgroup, Func<string, long> magic)
    {
        var own = ParseProcSelfCgroup(procSelfCgroup);
        var v1 = new List<CgroupHierarchy>();
        CgroupHierarchy? unified = null;
        var seen = new HashSet<string>();
        foreach (var line in mountinfo.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ');
            var dash = Array.IndexOf(fields, "-");
            if (dash < 6 || fields.Length < dash + 4) continue;
            var fsType = fields[dash + 1];
            var root = Unescape(fields[3]);
            var mountPoint = Unescape(fields[4]);
            if (fsType == "cgroup2")
            {
                if (unified is not null || magic(mountPoint) != Libc.CGROUP2_SUPER_MAGIC) continue;
                unified = new CgroupHierarchy(mountPoint, root, new HashSet<string>(), true, own.GetValueOrDefault("", "/"));
            }
            else if (fsType == "cgroup")
            {
                var controllers = fields[dash + 3].Split(',').Where(CgroupHierarchy.KnownV1Controllers.Contains).ToHashSet();
                if (controllers.Count == 0 || !seen.Add(string.Join(",", controllers.Order()))) continue;
                if (magic(mountPoint) != Libc.CGROUP_SUPER_MAGIC) continue;
                var ownPath = controllers.Select(c => own.GetValueOrDefault(c)).FirstOrDefault(p => p is not null) ?? "/";
                v1.Add(new CgroupHierarchy(mountPoint, root, controllers, false, ownPath));
            }
        }

        var topMagic = magic("/sys/fs/cgroup");
        var mode = topMagic == Libc.CGROUP2_SUPER_MAGIC || (v1.Count == 0 && unified is not null) ? CgroupMode.Unified
            : unified is not null ? CgroupMode.Hybrid
            : v1.Count > 0 ? CgroupMode.Legacy
            : throw new CgroupException("no cgroup filesystem is mounted (neither cgroup2 nor any v1 hierarchy in /proc/self/mountinfo)");
        if (mode == CgroupMode.Unified && unified is null)
            throw new CgroupException("/sys/fs/cgroup is a cgroup2 filesystem but /proc/self/mountinfo does not list it");
        return new CgroupLayout(mode, mode == CgroupMode.Unified ? [] : v1, unified);
    }

    /// <summary>controller → path from /proc/self/cgroup (<c>""</c> for the v2 line <c>0::/path</c>).</summary>
    internal static Dictionary<string, string> ParseProcSelfCgroup(string text)
    {
        var result = new Dictionary<string, string>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(':', 3);
            if (parts.Length != 3) continue;
            if (parts[1].Length == 0) result[""] = parts[2];
            else foreach (var c in parts[1].Split(',')) result[c] = parts[2];
        }
        return result;
    }

    /// <summary>Undoes mountinfo's octal escapes (<c>\040</c> for a space).</summary>
    private static string Unescape(string s)
    {
        if (!s.Contains('\\')) return s;
        var sb = new System.Text.StringBuilder();
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && IsOctal(s, i + 1))
            {
                sb.Append((char)Convert.ToInt32(s.Substring(i + 1, 3), 8));
                i += 3;
            }
            else sb.Append(s[i]);
        }
        return sb.ToString();
    }

    private static bool IsOctal(string s, int at) =>
        at + 3 <= s.Length && s.Substring(at, 3).All(c => c is >= '0' and <= '7');
}
