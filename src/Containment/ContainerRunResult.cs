namespace Containment;

/// <summary>What a container run to completion did (<see cref="ContainerProcess.RunAsync"/>).</summary>
/// <param name="Exit">How the program ended: code or signal, OOM kills, usage.</param>
/// <param name="StandardOutput">What it wrote to standard output (empty unless it was <see cref="Stdio.Pipe"/>), up to the limit.</param>
/// <param name="StandardError">What it wrote to standard error, up to the limit.</param>
/// <param name="StandardOutputTruncated">Whether standard output went past <see cref="ContainerRunOptions.OutputLimit"/>.</param>
/// <param name="StandardErrorTruncated">Whether standard error went past <see cref="ContainerRunOptions.OutputLimit"/>.</param>
/// <param name="TimedOut">Whether it ran into <see cref="ContainerRunOptions.Timeout"/> and was stopped.</param>
public sealed record ContainerRunResult(ContainerExit Exit, string StandardOutput, string StandardError, bool StandardOutputTruncated,
    bool StandardErrorTruncated, bool TimedOut)
{
    /// <summary>Wall time, CPU time (user, system) and peak memory of the run.</summary>
    public ContainerUsage Usage => Exit.Usage ?? new ContainerUsage(TimeSpan.Zero, null, null, null);

    /// <summary>Whether the program exited with code 0 in time.</summary>
    public bool Succeeded => Exit.ExitCode == 0 && !TimedOut;

    /// <summary>
    /// One line for a log: <c>exited with code 0; wall 12.3 ms, cpu 4.0 ms (user 3.0, system 1.0), peak memory 1.2 MiB</c>,
    /// with <c>timed out</c> and truncation when they apply.
    /// </summary>
    public override string ToString()
    {
        var u = Usage;
        var parts = new List<string> { (TimedOut ? "timed out, " : "") + Exit, $"wall {u.WallTime.TotalMilliseconds:F1} ms" };
        if (u.UserTime is { } user && u.SystemTime is { } system)
            parts.Add($"cpu {(user + system).TotalMilliseconds:F1} ms (user {user.TotalMilliseconds:F1}, system {system.TotalMilliseconds:F1})");
        if (u.PeakMemory is { } peak)
            parts.Add($"peak memory {peak / 1048576.0:F1} MiB");
        if (StandardOutputTruncated || StandardErrorTruncated)
            parts.Add("output truncated");
        return string.Join("; ", parts);
    }
}
