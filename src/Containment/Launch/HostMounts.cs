namespace Containment.Launch;

/// <summary>Reads the host's mount points from /proc/self/mountinfo.</summary>
internal static class HostMounts
{
    /// <summary>Every mount point, unescaped (mountinfo writes space, tab, newline and backslash as octal).</summary>
    public static IReadOnlyList<string> MountPoints(string mountinfo = "/proc/self/mountinfo")
    {
        var result = new List<string>();
        foreach (var line in File.ReadLines(mountinfo))
        {
            var fields = line.Split(' ');
            if (fields.Length > 4)
                result.Add(Unescape(fields[4]));
        }
        return result;
    }

    /// <summary>
    /// The outermost mount points at or beneath any of <paramref name="tops"/>: detaching these removes every
    /// host mount below those directories.
    /// </summary>
    public static IReadOnlyList<string> OutermostBeneath(IEnumerable<string> mountPoints, IReadOnlyList<string> tops)
    {
        static bool Under(string path, string top) =>
            path == top || path.StartsWith(top.EndsWith('/') ? top : top + "/", StringComparison.Ordinal);

        var candidates = mountPoints.Where(m => tops.Any(t => Under(m, t))).Distinct().OrderBy(m => m.Length).ToList();
        var result = new List<string>();
        foreach (var m in candidates)
            if (!result.Any(r => Under(m, r)))
                result.Add(m);
        return result;
    }

    private static string Unescape(string s)
    {
        if (!s.Contains('\\'))
            return s;
        var sb = new System.Text.StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 3 < s.Length && char.IsAsciiDigit(s[i + 1]))
            {
                sb.Append((char)Convert.ToInt32(s.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
                sb.Append(s[i]);
        }
        return sb.ToString();
    }
}
