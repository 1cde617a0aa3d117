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
        await StartLatency.MeasureAsync([("no terminal", () => baseSpec), ("terminal 80x24", () => baseSpec.WithProcess(p => p.Terminal(80, 24)))]);
    }
}
