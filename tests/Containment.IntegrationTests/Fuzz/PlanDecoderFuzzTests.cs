using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Containment.IntegrationTests.Fuzz;

/// <summary>
/// The executor's plan decoder under libFuzzer with AddressSanitizer and UndefinedBehaviorSanitizer: tests/fuzz/smoke.sh
/// runs it for a bounded minute from the corpus of real plans; any crash, out-of-bounds access, leak or hang fails it.
/// </summary>
public partial class PlanDecoderFuzzTests
{
    /// <summary>Far fewer than a minute gives even a loaded machine (tens of thousands a second): a run that did not fuzz fails.</summary>
    private const long MinimumExecutions = 100_000;

    [GeneratedRegex(@"^executions: (\d+)$", RegexOptions.Multiline)]
    private static partial Regex Executions();

    [GeneratedRegex(@"^findings: (\d+)$", RegexOptions.Multiline)]
    private static partial Regex Findings();

    [Test]
    public async Task A_bounded_fuzzing_run_of_the_plan_decoder_finds_nothing()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Containment.sln")))
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("Containment.sln not found above the test binaries");
        var psi = new ProcessStartInfo("bash", [Path.Combine(root, "tests/fuzz/smoke.sh"), "60"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
            Assert.Fail("smoke.sh did not finish within 5 minutes:\n" + await stdout + await stderr);
        }
        var output = await stdout + await stderr;
        Assert.That(p.ExitCode, Is.Zero, output);
        var executions = Executions().Match(output);
        Assert.That(executions.Success, Is.True, "smoke.sh printed no execution count:\n" + output);
        Assert.That(long.Parse(executions.Groups[1].Value), Is.GreaterThanOrEqualTo(MinimumExecutions), output);
        Assert.That(Findings().Match(output).Groups[1].Value, Is.EqualTo("0"), output);
    }
}
