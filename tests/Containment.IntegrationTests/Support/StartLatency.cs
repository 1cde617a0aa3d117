using System.Diagnostics;

namespace Containment.IntegrationTests.Support;

/// <summary>Start→exit times of specs measured side by side, alternating (for the measurements run by hand).</summary>
public static class StartLatency
{
    /// <summary>Runs each spec <paramref name="rounds"/> times in turn, drops the first <paramref name="warmup"/>, prints median, p10 and p90.</summary>
    public static async Task CompareAsync(IReadOnlyList<(string Name, ContainerSpec Spec)> variants, int rounds = 230, int warmup = 30)
    {
        var times = variants.Select(_ => new List<double>()).ToArray();
        for (var i = 0; i < rounds; i++)
            for (var v = 0; v < variants.Count; v++)
            {
                var t = Stopwatch.GetTimestamp();
                await using (var c = await ContainerProcess.StartAsync(variants[v].Spec))
                    await c.WaitForExitAsync();
                if (i >= warmup)
                    times[v].Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
        for (var v = 0; v < variants.Count; v++)
        {
            var sorted = times[v].Order().ToList();
            TestContext.Out.WriteLine($"{variants[v].Name,-40} median {sorted[sorted.Count / 2]:F2} ms  p10 {sorted[sorted.Count / 10]:F2}  p90 {sorted[sorted.Count * 9 / 10]:F2}");
        }
    }
}
