using System.Diagnostics;

namespace Containment.IntegrationTests.Support;

/// <summary>A C source compiled with <c>gcc -static</c> into a directory of /var/lib that goes when this process does.</summary>
public static class StaticProgram
{
    /// <summary>
    /// Compiles <paramref name="source"/> to <c>/var/lib/containment-test-NAME-PID/NAME</c> and returns its path. Not beside
    /// the test binaries: a checkout under /tmp or /run is hidden in a read-only host view (fresh tmpfs there), and so is
    /// /var/tmp.
    /// </summary>
    /// <param name="flags">More gcc flags (<c>-nostdlib</c> for a program of raw system calls only).</param>
    public static string Build(string name, string source, params string[] flags)
    {
        if (!File.Exists("/usr/bin/gcc"))
            Assert.Ignore($"gcc is needed to build the {name} probe");
        var dir = Path.Combine("/var/lib", $"containment-test-{name}-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        };
        var sourcePath = Path.Combine(dir, name + ".c");
        var binary = Path.Combine(dir, name);
        File.WriteAllText(sourcePath, source);
        var gcc = Process.Start(new ProcessStartInfo("gcc", ["-O2", "-static", .. flags, "-o", binary, sourcePath]) { RedirectStandardError = true })!;
        var errors = gcc.StandardError.ReadToEnd();
        gcc.WaitForExit();
        if (gcc.ExitCode != 0)
            throw new InvalidOperationException("gcc failed: " + errors);
        return binary;
    }
}
