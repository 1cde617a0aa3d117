using System.Globalization;

namespace Containment.Cgroups;

/// <summary>Parses kernel lists such as <c>0-3,6</c> (cpuset.cpus, /sys/devices/system/cpu/online).</summary>
internal static class CpuList
{
    /// <summary>The numbers in the list, or null when it is not a list.</summary>
    public static SortedSet<int>? Parse(string text)
    {
        var result = new SortedSet<int>();
        var trimmed = text.Trim();
        if (trimmed.Length == 0) return result;
        foreach (var part in trimmed.Split(','))
        {
            var range = part.Split('-');
            if (range.Length is < 1 or > 2) return null;
            if (!int.TryParse(range[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first)) return null;
            var last = first;
            if (range.Length == 2 && !int.TryParse(range[1], NumberStyles.None, CultureInfo.InvariantCulture, out last)) return null;
            if (last < first || last - first > 65536) return null;
            for (var i = first; i <= last; i++) result.Add(i);
        }
        return result;
    }
}
