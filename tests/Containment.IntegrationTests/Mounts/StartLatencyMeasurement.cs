using System.Diagnostics;
using Containment.IntegrationTests.Support;
using Containment.Mounts;
using Containment.Namespaces;

namespace Containment.IntegrationTests.Mounts;

/// <summary>Not a test: measures what the default masked and read-only paths cost at start (run by hand).</summary>
[Explicit("a measurement, run by hand")]
public class StartLatencyMeasurement
{
    [Test]
    public async Task Start_to_exit_of_true_with_and_without_the_default_masks()
    {
        using var rootfs = TestRootfs.Create();
        var baseSpec = ContainerSpec.FromRootfs(rootfs.Path).WithNamespaces(NamespaceSet.Isolated.Without(NamespaceKind.Cgroup))
            .WithProcess(p => p.Args("/bin/true").StandardOutput(Stdio.Null).StandardError(Stdio.Null));
        var variants = new (string Name, ContainerSpec Spec, List<double> Ms)[]
        {
            ("defaults (masked + read-only paths)", baseSpec, []),
            ("no masked/read-only paths", baseSpec.WithMaskedPaths().WithReadonlyPaths(), []),
            ("defaults + 3 binds + tmpfs + ro root", baseSpec.WithReadOnlyRootfs().WithMounts(m => m.Bind("/usr/bin", "/b1", readOnly: true)
                .Bind("/etc", "/b2", readOnly: true).Bind("/var", "/b3").Tmpfs("/tmp")), []),
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
            TestContext.Out.WriteLine($"{v.Name,-40} median {sorted[sorted.Count / 2]:F2} ms  p10 {sorted[sorted.Count / 10]:F2}  p90 {sorted[sorted.Count * 9 / 10]:F2}");
        }
    }
}
