using System.Globalization;
using Containment.Identity;

namespace Containment.Run;

/// <summary>The run's own limits and report: --timeout, --cpu-time, --output-limit, --report.</summary>
internal sealed class RunLimits
{
    public const string Usage = """
          --timeout SECONDS    stop the command after this wall time (SIGTERM, SIGKILL 2 s later); exit 124
          --cpu-time SECONDS   kill a process once it has used this much CPU time (RLIMIT_CPU)
          --output-limit N     keep at most N characters of each of stdout and stderr, printed when it ends
          --report             print one line on stderr: exit, timed out, wall and CPU time, peak memory, OOM
        """;

    public TimeSpan? Timeout { get; private set; }
    public ulong? CpuSeconds { get; private set; }
    public int? OutputLimit { get; private set; }
    public bool Report { get; private set; }

    public bool TryParse(string flag, Func<string, string> next)
    {
        switch (flag)
        {
            case "--timeout":
                Timeout = TimeSpan.FromSeconds(Positive(flag, next(flag)));
                return true;
            case "--cpu-time":
                CpuSeconds = (ulong)Math.Ceiling(Positive(flag, next(flag)));
                return true;
            case "--output-limit":
                var value = next(flag);
                OutputLimit = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                    ? n : throw new ArgumentException($"{flag} {value}: expected a number of characters");
                return true;
            case "--report":
                Report = true;
                return true;
            default:
                return false;
        }
    }

    private static double Positive(string flag, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0
            ? v : throw new ArgumentException($"{flag} {value}: expected a positive number of seconds");

    /// <summary>The spec with these limits: the CPU rlimit (soft = hard: SIGKILL at the limit, which even a PID 1 cannot ignore), piped output to cap.</summary>
    public ContainerSpec Apply(ContainerSpec spec) => spec.WithProcess(p =>
    {
        if (CpuSeconds is { } seconds)
            p.Rlimit(ResourceLimit.Cpu, seconds, seconds);
        if (OutputLimit is not null)
            p.StandardOutput(Stdio.Pipe).StandardError(Stdio.Pipe);
    });

    /// <summary>The one-line report: <c>exit=0 timed-out=no wall=12.3ms cpu=4.0ms user=3.0ms system=1.0ms peak-memory=1.2MiB oom=no oom-kills=0</c>.</summary>
    public static string Format(ContainerRunResult r)
    {
        var exit = r.Exit;
        var u = r.Usage;
        static string Ms(TimeSpan? t) => t is { } v ? v.TotalMilliseconds.ToString("F1", CultureInfo.InvariantCulture) + "ms" : "n/a";
        var peak = u.PeakMemory is { } p ? (p / 1048576.0).ToString("F1", CultureInfo.InvariantCulture) + "MiB" : "n/a";
        var how = exit.ExitCode is { } code ? $"exit={code}" : $"signal=SIG{exit.Signal.ToString()!.ToUpperInvariant()}";
        return $"{how} timed-out={(r.TimedOut ? "yes" : "no")} wall={Ms(u.WallTime)} cpu={Ms(u.CpuTime)} user={Ms(u.UserTime)} " +
               $"system={Ms(u.SystemTime)} peak-memory={peak} oom={(exit.OomKilled ? "yes" : "no")} oom-kills={exit.OomKills}" +
               (r.StandardOutputTruncated || r.StandardErrorTruncated ? " output-truncated=yes" : "");
    }
}
