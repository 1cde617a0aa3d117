using System.Diagnostics;

namespace Containment.IntegrationTests.Clients;

/// <summary>The `containment` CLI published with NativeAOT once per test run, as managers would call it.</summary>
public static class RuntimeBinary
{
    private static readonly Lazy<string> Published = new(Publish);

    public static string Path => Published.Value;

    public static string RepositoryRoot()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(System.IO.Path.Combine(root, "Containment.sln")))
            root = System.IO.Path.GetDirectoryName(root) ?? throw new InvalidOperationException("Containment.sln not found above the test binaries");
        return root;
    }

    private static string Publish()
    {
        var output = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "containment-cli-" + Environment.ProcessId);
        // Test projects run in parallel and more than one publishes (this file is linked into Containment.CriTests):
        // two publishes of one project at once would write the same obj/ files.
        using var publishing = PublishLock();
        var (code, text) = Shell.Run("dotnet", ["publish", System.IO.Path.Combine(RepositoryRoot(), "samples/Containment.Runtime"), "-c", "Release", "-o", output, "-nologo", "-v", "q"], TimeSpan.FromMinutes(10));
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(output, recursive: true); } catch (IOException) { }
        };
        var binary = System.IO.Path.Combine(output, "containment");
        if (code != 0 || !File.Exists(binary))
            throw new InvalidOperationException($"publishing the containment CLI failed ({code}): {text}");
        return binary;
    }

    /// <summary>An exclusive lock (flock, released when the process dies) on a file beside the repository's build output.</summary>
    private static FileStream PublishLock()
    {
        var path = System.IO.Path.Combine(RepositoryRoot(), "samples/Containment.Runtime/obj/.publish.lock");
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        for (var deadline = DateTime.UtcNow.AddMinutes(15); ; Thread.Sleep(500))
        {
            try { return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
            catch (IOException) when (DateTime.UtcNow < deadline) { }
        }
    }
}

/// <summary>Runs a command to completion with no stdin, capturing stdout and stderr together.</summary>
public static class Shell
{
    public static (int ExitCode, string Output) Run(string file, IEnumerable<string> args, TimeSpan? timeout = null, IDictionary<string, string>? env = null)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? new Dictionary<string, string>())
            psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            return (-1, $"timed out: {file} {string.Join(' ', psi.ArgumentList)}\n{stdout.Result}{stderr.Result}");
        }
        return (p.ExitCode, stdout.Result + stderr.Result);
    }
}
