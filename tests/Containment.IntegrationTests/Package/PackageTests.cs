using System.Diagnostics;

namespace Containment.IntegrationTests.Package;

/// <summary>
/// The NuGet package on its own: tests/package/consume.sh packs it, checks its metadata (license, README, symbols,
/// repository), and runs a fresh project that uses it — as a plain app, and published with NativeAOT and trimming.
/// </summary>
public class PackageTests
{
    private static async Task<string> ConsumeAsync(params string[] args)
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Containment.sln")))
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("Containment.sln not found above the test binaries");
        var psi = new ProcessStartInfo("bash", [Path.Combine(root, "tests/package/consume.sh"), .. args])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw;
        }
        Assert.That(p.ExitCode, Is.Zero, await stdout + await stderr);
        return await stdout;
    }

    [Test]
    public async Task A_fresh_project_referencing_only_the_nupkg_starts_a_container()
    {
        var output = await ConsumeAsync();
        Assert.That(output, Does.Contain("package metadata: ok")
            .And.Contain("consumer printed: from-package pid 1")
            .And.Contain("package consumed (jit): ok"));
    }

    [Test]
    public async Task A_NativeAOT_trimmed_consumer_publishes_without_warnings_and_starts_a_container()
    {
        var output = await ConsumeAsync("aot");
        Assert.That(output, Does.Contain("trim/AOT warnings: 0")
            .And.Contain("consumer printed: from-package pid 1")
            .And.Contain("package consumed (aot): ok"));
    }
}
