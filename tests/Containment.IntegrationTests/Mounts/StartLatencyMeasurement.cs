using Containment.IntegrationTests.Support;
using Containment.Mounts;

namespace Containment.IntegrationTests.Mounts;

/// <summary>Not a test: measures what the default masked and read-only paths cost at start (run by hand).</summary>
[Explicit("a measurement, run by hand")]
public class StartLatencyMeasurement
{
    [Test]
    public async Task Start_to_exit_of_true_with_and_without_the_default_masks()
    {
        using var rootfs = TestRootfs.Create();
        var baseSpec = StartLatency.TrueIn(rootfs);
        await StartLatency.MeasureAsync(
        [
            ("defaults (masked + read-only paths)", () => baseSpec),
            ("no masked/read-only paths", () => baseSpec.WithMaskedPaths().WithReadonlyPaths()),
            ("defaults + 3 binds + tmpfs + ro root", () => baseSpec.WithReadOnlyRootfs().WithMounts(m => m.Bind("/usr/bin", "/b1", readOnly: true)
                .Bind("/etc", "/b2", readOnly: true).Bind("/var", "/b3").Tmpfs("/tmp"))),
        ]);
    }
}
