using System.Diagnostics;

namespace Containment.CheckpointTests.Support;

/// <summary>Whether CRIU works here: root, and <c>criu check</c> succeeds on this kernel.</summary>
public static class Criu
{
    private static readonly Lazy<string?> Why = new(Check);

    /// <summary>Skips the calling test unless CRIU works, naming what <c>criu check</c> said.</summary>
    public static void Require()
    {
        if (Why.Value is { } why)
            Assert.Ignore(why);
    }

    private static string? Check()
    {
        if (Environment.UserName != "root")
            return "needs root";
        ProcessStartInfo info = new("criu", "check") { RedirectStandardOutput = true, RedirectStandardError = true };
        Process? p;
        try
        {
            p = Process.Start(info);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "criu is not installed (tests/cgroup2-vm/criu.sh installs it and runs these tests in a VM)";
        }
        var output = p!.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode == 0)
            return null;
        var lines = (error + output.Result).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var errors = lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal)).ToList();
        var said = errors.Count > 0 ? string.Join(" / ", errors) : lines.FirstOrDefault() ?? $"exit {p.ExitCode}";
        return $"criu check fails on this kernel ({Environment.OSVersion.Version}): {said}; tests/cgroup2-vm/criu.sh runs these tests under Debian's 6.1 kernel";
    }
}
