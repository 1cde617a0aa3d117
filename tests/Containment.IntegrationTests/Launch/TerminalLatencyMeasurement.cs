using System.Diagnostics;
using Containment.IntegrationTests.Support;
using Containment.Namespaces;

namespace Containment.IntegrationTests.Launch;

/// <summary>Not a test: measures what a terminal costs at start (run by hand).</summary>
[Explicit("a measurement, run by hand")]
public class TerminalLatencyMeasurement
{
    [Test]
    public async Task Start_to_exit_of_true_with_and_without_a_terminal()
    {
        using var rootfs = TestRootfs.Create();
        var baseSpec = ContainerSpec.FromRootfs(rootfs.Path).WithNamespaces(NamespaceSet.Isolated.Without(NamespaceKind.Cgroup))
            .WithProcess(p => p.Args("/bin/true").StandardOutput(Stdio.Null).StandardError(Stdio.Null));
        var variants = new (string Name, ContainerSpec Spec, List<double> Ms)[]
        {
            ("no terminal", baseSpec, []),
            ("terminal 80x24", baseSpec.WithProcess(p => p.Terminal(80, 24)), []),
        };
        for (var i = 0; i < 230; i++)
            foreach (var v in variants)
            {
                var t = Stopwatch.GetTimestamp();
                await using (var c = await ContainerProcess.StartAsync(v.Spec))
                    await c.WaitForExitAsync();
                if (i >= 30)
                    v.Ms.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
        foreach (var v in variants)
        {
            var sorted = v.Ms.Order().ToList();
            TestContext.Out.WriteLine($"{v.Name,-20} median {sorted[sorted.Count / 2]:F2} ms  p10 {sorted[sorted.Count / 10]:F2}  p90 {sorted[sorted.Count * 9 / 10]:F2}");
        }
    }
}
