using System.Globalization;

namespace Containment.Identity;

/// <summary>Reads a user's subordinate id ranges from <c>/etc/subuid</c> or <c>/etc/subgid</c> (<c>name:start:count</c>).</summary>
internal static class SubordinateIds
{
    public readonly record struct Range(uint Start, uint Count);

    public static IReadOnlyList<Range> Read(string path, string? userName, uint uid)
    {
        var result = new List<Range>();
        if (!File.Exists(path))
            return result;
        var id = uid.ToString(CultureInfo.InvariantCulture);
        foreach (var line in File.ReadLines(path))
        {
            var f = line.Trim().Split(':');
            if (f.Length != 3 || (f[0] != userName && f[0] != id))
                continue;
            if (uint.TryParse(f[1], CultureInfo.InvariantCulture, out var start) && uint.TryParse(f[2], CultureInfo.InvariantCulture, out var count) && count > 0)
                result.Add(new Range(start, count));
        }
        return result;
    }
}
