namespace Containment.Identity;

/// <summary>
/// How far a new time namespace's clocks are moved from the host's: written to <c>/proc/self/timens_offsets</c>
/// before anything enters the namespace. Needs a new time namespace.
/// </summary>
/// <param name="Monotonic">The offset of <c>CLOCK_MONOTONIC</c>.</param>
/// <param name="Boottime">The offset of <c>CLOCK_BOOTTIME</c>.</param>
public sealed record TimeOffsets(TimeSpan Monotonic, TimeSpan Boottime)
{
    /// <summary>The text the kernel reads: one <c>clock seconds nanoseconds</c> line per clock.</summary>
    internal string ToProcText() => $"monotonic {Line(Monotonic)}\nboottime {Line(Boottime)}\n";

    private static string Line(TimeSpan offset)
    {
        // Seconds may be negative; nanoseconds are always 0..999999999.
        var ticks = offset.Ticks;
        var seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var rest);
        if (rest < 0)
        {
            seconds--;
            rest += TimeSpan.TicksPerSecond;
        }
        return $"{seconds} {rest * 100}";
    }
}
