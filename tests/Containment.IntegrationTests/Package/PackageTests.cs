using System.Diagnostics;

namespace Containment.IntegrationTests.Package;

/// <summary>The NuGet package on its own: tests/package/consume.sh packs it and runs a fresh project that uses it.</summary>
public class PackageTests
{
    [Test]
    public async Task A_fresh_project_referencing_only_the_nupkg_starts_a_container()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Containment.sln")))
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("Containment.sln not found above the test binaries");
        var psi = new ProcessStartInfo("bash", [Path.Combine(root, "tests/package/consume.sh")])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await p.WaitForExitAsync(cts.Token);
        Assert.That(p.ExitCode, Is.Zero, await stdout + await stderr);
        Assert.That(await stdout, Does.Contain("consumer printed: from-package pid 1").And.Contain("package consumed: ok"));
    }
}
