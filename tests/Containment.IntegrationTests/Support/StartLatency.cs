using System.Diagnostics;
using Containment.Namespaces;

namespace Containment.IntegrationTests.Support;

/// <summary>For measurements run by hand: start→exit times of several specs, interleaved, printed as percentiles.</summary>
public static class StartLatency
{
    /// <summary><c>/bin/true</c> in a busybox root with pid, mount, uts, ipc and network namespaces, output discarded.</summary>
    public static ContainerSpec TrueIn(TestRootfs rootfs) =>
        ContainerSpec.FromRootfs(rootfs.Path).WithNamespaces(NamespaceSet.Isolated.Without(NamespaceKind.Cgroup))
            .WithProcess(p => p.Args("/bin/true").StandardOutput(Stdio.Null).StandardError(Stdio.Null));

    /// <summary>Runs each variant <paramref name="runs"/> times after <paramref name="warmup"/> runs, alternating.</summary>
    public static async Task MeasureAsync(IReadOnlyList<(string Name, Func<ContainerSpec> Spec)> variants, int runs = 200, int warmup = 30)
    {
        var times = variants.Select(_ => new List<double>()).ToArray();
        for (var i = 0; i < warmup + runs; i++)
            for (var v = 0; v < variants.Count; v++)
            {
                var spec = variants[v].Spec();
                var t = Stopwatch.GetTimestamp();
                await using (var c = await ContainerProcess.StartAsync(spec))
                    await c.WaitForExitAsync();
                if (i >= warmup)
                    times[v].Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
        for (var v = 0; v < variants.Count; v++)
        {
            var sorted = times[v].Order().ToList();
            TestContext.Out.WriteLine($"{variants[v].Name,-48} median {sorted[sorted.Count / 2]:F2} ms  p10 {sorted[sorted.Count / 10]:F2}  p90 {sorted[sorted.Count * 9 / 10]:F2}");
        }
    }
}
