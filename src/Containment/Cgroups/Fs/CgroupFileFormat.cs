using System.Globalization;

namespace Containment.Cgroups.Fs;

/// <summary>Parsers for the kernel's cgroup file formats.</summary>
internal static class CgroupFileFormat
{
    /// <summary>v1 memory limits at or above this mean "unlimited" (PAGE_COUNTER_MAX rounded to pages).</summary>
    public const long V1Unlimited = 0x7FFF_FFFF_FFFF_F000;

    /// <summary>A single number; <c>max</c> (and v1's huge values) as null.</summary>
    public static long? Number(string? text)
    {
        if (text is null) return null;
        var t = text.Trim();
        if (t == "max" || t.Length == 0) return null;
        if (!long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
            return ulong.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out _) ? null : throw new FormatException($"'{t}' is not a number");
        return v >= V1Unlimited ? null : v;
    }

    /// <summary>"key value" lines (memory.stat, cpu.stat, memory.events, memory.oom_control).</summary>
    public static Dictionary<string, long> FlatKeyed(string? text)
    {
        var result = new Dictionary<string, long>();
        if (text is null) return result;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && long.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
                result[parts[0]] = v;
        }
        return result;
    }

    /// <summary>Sums v2 "maj:min key=value ..." lines (io.stat) by key.</summary>
    public static Dictionary<string, long> NestedKeyedTotals(string? text)
    {
        var result = new Dictionary<string, long>();
        if (text is null) return result;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            foreach (var field in line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1))
            {
                var eq = field.IndexOf('=');
                if (eq > 0 && long.TryParse(field.AsSpan(eq + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var v))
                    result[field[..eq]] = result.GetValueOrDefault(field[..eq]) + v;
            }
        return result;
    }

    /// <summary>Sums v1 blkio "maj:min Op value" lines by operation (Read, Write...); the "Total" line is skipped.</summary>
    public static Dictionary<string, long> BlkioTotals(string? text)
    {
        var result = new Dictionary<string, long>();
        if (text is null) return result;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 3 && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var v))
                result[parts[1]] = result.GetValueOrDefault(parts[1]) + v;
        }
        return result;
    }

    /// <summary>Process ids from cgroup.procs.</summary>
    public static List<int> Pids(string? text) =>
        text is null ? [] : text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
}
