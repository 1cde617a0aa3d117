namespace Containment.Runtime;

/// <summary>
/// With <c>CONTAINMENT_CLI_PHASES=1</c> in the environment, each phase of a command on stderr: wall and CPU time (all
/// threads) since <c>main</c>, to find where a command's time goes. Off by default: one environment read.
/// </summary>
internal static class Phases
{
    private static readonly bool Enabled = Environment.GetEnvironmentVariable("CONTAINMENT_CLI_PHASES") == "1";
    private static readonly long Start = System.Diagnostics.Stopwatch.GetTimestamp();

    public static void Mark(string phase)
    {
        if (!Enabled)
            return;
        var cpu = Environment.CpuUsage;
        Console.Error.WriteLine(
            $"phase {phase,-12} wall {System.Diagnostics.Stopwatch.GetElapsedTime(Start).TotalMilliseconds,7:F2} ms  cpu {cpu.TotalTime.TotalMilliseconds,6:F2} ms (user {cpu.UserTime.TotalMilliseconds:F2})");
    }
}
