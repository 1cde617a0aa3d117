using Containment.IntegrationTests.Support;
using Containment.Seccomp;

namespace Containment.IntegrationTests.Seccomp;

/// <summary>Not a test: what the default filter costs at start, and what compiling a profile costs (run by hand).</summary>
[Explicit("a measurement, run by hand")]
public class SeccompLatencyMeasurement
{
    [Test]
    public async Task Start_to_exit_of_true_unconfined_and_under_the_default_profile()
    {
        using var rootfs = TestRootfs.Create();
        var spec = StartLatency.TrueIn(rootfs);
        await StartLatency.MeasureAsync(
        [
            ("unconfined", () => spec.WithSeccomp(null)),
            ("default profile (compiled once, reused)", () => spec),
            ("default profile + a rule (compiled each start)", () => spec.WithSeccompRules(p => p.Deny("ptrace"))),
        ]);
    }
}
