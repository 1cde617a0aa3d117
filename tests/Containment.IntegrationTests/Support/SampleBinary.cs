using System.Diagnostics;

namespace Containment.IntegrationTests.Support;

/// <summary>A sample as built beside these tests (same configuration and framework), run with <c>dotnet</c>.</summary>
public static class SampleBinary
{
    public static string PathOf(string project, string dll)
    {
        var binary = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));   // .../bin/Debug/net10.0
        var root = binary;
        while (!File.Exists(Path.Combine(root.FullName, "Containment.sln")))
            root = root.Parent ?? throw new InvalidOperationException("Containment.sln not found above the test binaries");
        return Path.Combine(root.FullName, "samples", project, "bin", binary.Parent!.Name, binary.Name, dll);
    }

    /// <summary>Runs the sample with <paramref name="args"/>, stdin closed; returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string dllPath, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        psi.ArgumentList.Add(dllPath);
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await p.WaitForExitAsync(cts.Token);
        return (p.ExitCode, await stdout, await stderr);
    }
}
