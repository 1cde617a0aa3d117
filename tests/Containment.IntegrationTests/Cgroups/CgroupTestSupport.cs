using System.Diagnostics;
using Containment.Cgroups;

namespace Containment.IntegrationTests.Cgroups;

/// <summary>A unique cgroup prefix per test, host processes parked on stdin until they have joined, and cleanup.</summary>
internal sealed class CgroupTestScope : IDisposable
{
    private readonly List<CgroupHandle> handles = [];
    private readonly List<Process> processes = [];

    public CgroupTestScope() => Prefix = $"containment-test-{Guid.NewGuid():N}";

    public string Prefix { get; }

    public CgroupManager Manager { get; init; } = CgroupManager.Detect();

    public CgroupHandle Create(CgroupSpec spec, string name = "c")
    {
        var handle = Manager.Create(spec, name, $"/{Prefix}/{name}");
        handles.Add(handle);
        return handle;
    }

    /// <summary>Starts <c>/bin/sh -c script</c> after a line on stdin, so it can be put in a cgroup first.</summary>
    public Process StartParked(string script)
    {
        var process = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "read go; " + script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        processes.Add(process);
        return process;
    }

    public static void Release(Process process)
    {
        process.StandardInput.WriteLine("go");
        process.StandardInput.Flush();
    }

    public static async Task<(int Exit, string Out, string Err)> WaitAsync(Process process, int timeoutMs = 20000)
    {
        using var cts = new CancellationTokenSource(timeoutMs);
        var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Every directory under every cgroup mount whose name holds the prefix.</summary>
    public static int CountDirectories(string containing) =>
        Directory.EnumerateDirectories("/sys/fs/cgroup").Sum(mount =>
        {
            try { return Directory.EnumerateDirectories(mount, "*", SearchOption.AllDirectories).Count(d => d.Contains(containing)); }
            catch (IOException) { return 0; }
        });

    public void Dispose()
    {
        foreach (var p in processes)
        {
            try { if (!p.HasExited) p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            p.WaitForExit(5000);
            p.Dispose();
        }
        foreach (var h in handles)
        {
            try { h.Destroy(); } catch (Exception e) { TestContext.Out.WriteLine($"cleanup: {e.Message}"); }
            h.Dispose();
        }
        // Anything left behind under our prefix (a failed test) is removed deepest first.
        foreach (var mount in Directory.EnumerateDirectories("/sys/fs/cgroup"))
        {
            var top = Path.Combine(mount, Prefix);
            if (!Directory.Exists(top)) continue;
            foreach (var dir in Directory.EnumerateDirectories(top, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length).Append(top))
                try { Directory.Delete(dir); } catch (IOException) { }
        }
    }
}
