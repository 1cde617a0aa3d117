using System.Globalization;

namespace Containment.Cgroups;

/// <summary>
/// Byte-size constants and a parser for sizes written the way command lines write them
/// (<c>64M</c>, <c>1g</c>, <c>512k</c>, <c>4096</c>). Units are binary: <c>1k</c> is 1024 bytes.
/// </summary>
public static class ByteSize
{
    /// <summary>1024 bytes.</summary>
    public const long KiB = 1024;

    /// <summary>1024 KiB.</summary>
    public const long MiB = 1024 * KiB;

    /// <summary>1024 MiB.</summary>
    public const long GiB = 1024 * MiB;

    /// <summary>1024 GiB.</summary>
    public const long TiB = 1024 * GiB;

    /// <summary>
    /// Parses a size: digits followed by an optional unit <c>b</c>, <c>k</c>, <c>m</c>, <c>g</c>, <c>t</c>
    /// (case-insensitive, optionally followed by <c>b</c> or <c>ib</c>: <c>64MiB</c>, <c>1GB</c>).
    /// </summary>
    /// <exception cref="FormatException">The text is not a size, or it overflows 64 bits.</exception>
    public static long Parse(string text) =>
        TryParse(text, out var bytes) ? bytes : throw new FormatException($"'{text}' is not a size (examples: 4096, 512k, 64M, 1g)");

    /// <summary>Parses a size as <see cref="Parse"/> does; false when the text is not one.</summary>
    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var s = text.Trim();
        var digits = 0;
        while (digits < s.Length && char.IsAsciiDigit(s[digits])) digits++;
        if (digits == 0 || !long.TryParse(s.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            return false;
        var unit = s[digits..].ToLowerInvariant();
        long multiplier = unit switch
        {
            "" or "b" => 1,
            "k" or "kb" or "kib" => KiB,
            "m" or "mb" or "mib" => MiB,
            "g" or "gb" or "gib" => GiB,
            "t" or "tb" or "tib" => TiB,
            _ => 0,
        };
        if (multiplier == 0) return false;
        try { bytes = checked(number * multiplier); }
        catch (OverflowException) { return false; }
        return true;
    }
}
