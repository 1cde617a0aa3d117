using Containment.Cgroups;
using Containment.Identity;

namespace Containment.Judge;

/// <summary>AC, WA, TLE, MLE, RE.</summary>
internal enum VerdictKind { AC, WA, TLE, MLE, RE }

/// <summary>A case's verdict with what the run cost.</summary>
internal sealed record Verdict(string Case, VerdictKind Kind, ContainerRunResult Run, string Detail);

/// <summary>Runs one case in a container and decides its verdict.</summary>
internal static class Grader
{
    public static async Task<Verdict> RunAsync(TestCase test, JudgeOptions options, CancellationToken cancellationToken)
    {
        var cpuSeconds = (ulong)Math.Ceiling(options.TimeSeconds);
        var spec = ContainerSpec.HostReadOnly()
            .WithCgroup(c => c.MemoryMax(options.MemoryMiB * ByteSize.MiB).PidsMax(32))
            .WithProcess(p => p.Args(options.Command).Rlimit(ResourceLimit.Cpu, cpuSeconds, cpuSeconds).NoNewPrivileges());
        var run = await ContainerProcess.RunAsync(spec, new ContainerRunOptions
        {
            StandardInput = test.Input,
            Timeout = options.WallLimit,
            StopGrace = TimeSpan.Zero,
            OutputLimit = 1 << 20,
        }, cancellationToken);
        return new Verdict(test.Name, Decide(run, test, options, out var detail), run, detail);
    }

    private static VerdictKind Decide(ContainerRunResult run, TestCase test, JudgeOptions options, out string detail)
    {
        var exit = run.Exit;
        detail = exit.ToString();
        // RLIMIT_CPU ends an over-long run with SIGKILL (soft = hard), at a tick boundary: near the limit counts as over it.
        var cpu = run.Usage.CpuTime?.TotalSeconds ?? 0;
        var cpuKilled = exit.Signal is Signal.Kill or Signal.Xcpu && !exit.OomKilled && exit.OomKills == 0 && cpu >= options.TimeSeconds * 0.9;
        if (run.TimedOut || cpuKilled || cpu >= options.TimeSeconds)
        {
            detail = run.TimedOut ? $"wall time over {options.WallLimit.TotalSeconds:0.#} s" : $"CPU time over {options.TimeSeconds:0.###} s";
            return VerdictKind.TLE;
        }
        if (exit.OomKilled || exit.OomKills > 0)
            return VerdictKind.MLE;
        if (exit.ExitCode != 0)
            return VerdictKind.RE;
        detail = "";
        if (Normalize(run.StandardOutput) == Normalize(test.Expected))
            return VerdictKind.AC;
        detail = "output differs";
        return VerdictKind.WA;
    }

    /// <summary>Trailing space on each line and trailing blank lines do not count.</summary>
    private static string Normalize(string text) =>
        string.Join('\n', text.Replace("\r\n", "\n").Split('\n').Select(l => l.TrimEnd())).TrimEnd('\n');
}
