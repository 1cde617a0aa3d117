using System.Globalization;

namespace Containment.Oci;

/// <summary>
/// A process id together with the process's start time (field 22 of <c>/proc/PID/stat</c>, in clock ticks
/// since boot). Pids are recycled; the pair is not, so it tells whether a recorded process still exists.
/// </summary>
/// <param name="Pid">The process id.</param>
/// <param name="StartTime">The start time in clock ticks since boot.</param>
internal readonly record struct ProcessIdentity(int Pid, ulong StartTime)
{
    /// <summary>The identity of a running process, or <c>null</c> when no process has that pid.</summary>
    public static ProcessIdentity? Of(int pid) =>
        ProcStat.TryRead(pid) is { } stat ? new ProcessIdentity(pid, stat.StartTime) : null;

    /// <summary>Whether this very process still exists and has not exited (a zombie counts as exited).</summary>
    public bool IsAlive() =>
        ProcStat.TryRead(Pid) is { } stat && stat.StartTime == StartTime && stat.State is not ('Z' or 'X' or 'x');
}

/// <summary>The fields of <c>/proc/PID/stat</c> the state store needs.</summary>
internal readonly record struct ProcStat(char State, ulong StartTime)
{
    public static ProcStat? TryRead(int pid)
    {
        if (pid <= 0) return null;
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // ENOENT/ESRCH: no such process
        }
        return Parse(text);
    }

    /// <summary>Parses <c>pid (comm) state ppid ...</c>. The command name may hold spaces and parentheses,
    /// so fields are counted from the last <c>)</c>.</summary>
    internal static ProcStat? Parse(string text)
    {
        var close = text.LastIndexOf(')');
        if (close < 0 || close + 2 > text.Length) return null;
        var fields = text[(close + 2)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // fields[0] is field 3 (state), so field 22 (starttime) is fields[19].
        if (fields.Length < 20 || fields[0].Length != 1) return null;
        return ulong.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            ? new ProcStat(fields[0][0], start)
            : null;
    }
}
