namespace Containment.Oci;

/// <summary>The effective user and group ids of this process, read from <c>/proc/self/status</c>.</summary>
internal static class ProcessIds
{
    public static (uint Uid, uint Gid) Current()
    {
        uint uid = 0, gid = 0;
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("Uid:", StringComparison.Ordinal)) uid = Effective(line);
            else if (line.StartsWith("Gid:", StringComparison.Ordinal)) gid = Effective(line);
        }
        return (uid, gid);
    }

    /// <summary><c>Uid:	1000	1001	1000	1000</c> (real, effective, saved, filesystem) → 1001.</summary>
    internal static uint Effective(string line)
    {
        var fields = line.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
        return fields.Length > 2 ? uint.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture) : 0;
    }
}
