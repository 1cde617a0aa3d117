using Containment.IntegrationTests.Support;
using Containment.Namespaces;

namespace Containment.IntegrationTests.Mounts;

/// <summary>Not a test: what the host view and the init cost at start, beside a busybox root (run by hand).</summary>
[Explicit("a measurement, run by hand")]
public class HostViewLatencyMeasurement
{
    [Test]
    public async Task Start_to_exit_of_true_in_the_host_view_with_and_without_an_init()
    {
        using var rootfs = TestRootfs.Create();
        var busybox = StartLatency.TrueIn(rootfs);
        var host = ContainerSpec.HostReadOnly().WithNamespaces(NamespaceSet.Isolated.Without(NamespaceKind.Cgroup))
            .WithProcess(p => p.Args("/bin/true").StandardOutput(Stdio.Null).StandardError(Stdio.Null));
        await StartLatency.MeasureAsync(
        [
            ("busybox rootfs", () => busybox),
            ("busybox rootfs + init", () => busybox.WithInit()),
            ("host view", () => host),
            ("host view + init", () => host.WithInit()),
        ], runs: 150);
    }
}
