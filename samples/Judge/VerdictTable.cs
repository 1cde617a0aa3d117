using System.Globalization;
using System.Text;

namespace Containment.Judge;

/// <summary>The verdict table: one row per case, then a summary line.</summary>
internal static class VerdictTable
{
    public static string Format(IReadOnlyList<Verdict> verdicts)
    {
        var text = new StringBuilder();
        var width = Math.Max(4, verdicts.Max(v => v.Case.Length));
        text.AppendLine(CultureInfo.InvariantCulture, $"{"case".PadRight(width)}  verdict  {"cpu",9}  {"wall",9}  {"memory",10}  detail");
        foreach (var v in verdicts)
        {
            var u = v.Run.Usage;
            var cpu = u.CpuTime is { } c ? $"{c.TotalMilliseconds:F0} ms" : "-";
            var memory = u.PeakMemory is { } m ? $"{m / 1048576.0:F1} MiB" : "-";
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{v.Case.PadRight(width)}  {v.Kind,-7}  {cpu,9}  {u.WallTime.TotalMilliseconds,6:F0} ms  {memory,10}  {v.Detail}").TrimEnd());
        }
        var accepted = verdicts.Count(v => v.Kind == VerdictKind.AC);
        text.AppendLine(CultureInfo.InvariantCulture, $"{accepted}/{verdicts.Count} accepted");
        return text.ToString();
    }
}
