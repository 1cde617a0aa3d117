using System.Globalization;

namespace Containment.Runtime;

/// <summary>Sizes as runc's flags take them: <c>1048576</c>, <c>512k</c>, <c>64m</c>, <c>1.5g</c>, <c>2GiB</c>; <c>-1</c> is unlimited.</summary>
internal static class ByteSizes
{
    public static long Parse(string flag, string text)
    {
        if (text == "-1")
            return -1;
        var s = text.Trim().ToLowerInvariant();
        if (s.EndsWith('b'))
            s = s[..^1];
        if (s.EndsWith('i'))
            s = s[..^1];
        var multiplier = s.Length > 0 ? s[^1] switch
        {
            'k' => 1L << 10,
            'm' => 1L << 20,
            'g' => 1L << 30,
            't' => 1L << 40,
            'p' => 1L << 50,
            _ => 1L,
        } : 1L;
        if (multiplier != 1)
            s = s[..^1];
        if (!double.TryParse(s.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value * multiplier > long.MaxValue)
            throw new CliException($"--{flag} {text}: expected a size such as 1048576, 512k, 64m or 1g");
        return (long)(value * multiplier);
    }
}
