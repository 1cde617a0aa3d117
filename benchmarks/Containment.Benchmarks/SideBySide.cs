using System.Diagnostics;
using Containment.Namespaces;

namespace Containment.Benchmarks;

/// <summary>
/// Start→exit of /bin/true, measured side by side and alternating so that machine noise falls on every
/// candidate alike: this library from a warm, long-running host; <c>crun run</c>, <c>runc run</c> and
/// the bare <c>unshare</c> floor as whole processes. Prints medians and ratios.
/// </summary>
internal static class SideBySide
{
    private sealed record Candidate(string Name, Func<int, Task> Run)
    {
        public List<double> Ms { get; } = [];
    }

    public static async Task<int> RunAsync(string[] args)
    {
        string? bundle = null;
        var runs = 200;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--bundle") bundle = args[++i];
            else if (args[i] == "--runs") runs = int.Parse(args[++i]);
        }
        if (bundle is null)
        {
            Console.Error.WriteLine("usage: compare --bundle DIR [--runs N]   (DIR has rootfs/ and config.json for crun/runc)");
            return 2;
        }
        var rootfs = Path.Combine(bundle, "rootfs");
        var spec = ContainerSpec.FromRootfs(rootfs)
            .WithNamespaces(NamespaceSet.Isolated.Without(NamespaceKind.Cgroup))
            .WithProcess(p => p.Args("/bin/true").StandardOutput(Stdio.Null).StandardError(Stdio.Null));

        var candidates = new List<Candidate> { new("containment (library)", _ => StartBenchmarks.RunAsync(spec)) };
        foreach (var runtime in new[] { "crun", "runc" })
            if (Which(runtime) is { } path)
                candidates.Add(new($"{runtime} run", i => Exec(path, "--root", $"/run/containment-bench-{runtime}", "run", "--bundle", bundle, $"bench-{runtime}-{i}")));
        candidates.Add(new("unshare floor", _ => Exec("/usr/bin/unshare", "--fork", "--pid", "--mount", "--uts", "--ipc", "--net", "/bin/true")));
        candidates.Add(new("/bin/true", _ => Exec("/bin/true")));

        foreach (var c in candidates)
            for (var w = 0; w < 5; w++)
                await c.Run(-w - 1); // warm-up
        for (var i = 0; i < runs; i++)
            foreach (var c in candidates)
            {
                var t = Stopwatch.GetTimestamp();
                await c.Run(i);
                c.Ms.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }

        var ours = Median(candidates[0].Ms);
        Console.WriteLine($"start→exit of /bin/true, {runs} alternating runs, medians (p10–p90):");
        foreach (var c in candidates)
        {
            var m = Median(c.Ms);
            Console.WriteLine($"  {c.Name,-24} {m,7:F2} ms  ({Percentile(c.Ms, 0.1):F2}–{Percentile(c.Ms, 0.9):F2})   containment/this = {ours / m:F2}");
        }
        return 0;
    }

    private static string? Which(string name) =>
        new[] { "/usr/sbin", "/usr/bin", "/usr/local/bin", "/usr/local/sbin" }.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    private static async Task Exec(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = false, RedirectStandardError = true };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {p.ExitCode}: {await err}");
    }

    private static double Median(List<double> xs) => Percentile(xs, 0.5);

    private static double Percentile(List<double> xs, double q)
    {
        var sorted = xs.Order().ToArray();
        return sorted[(int)Math.Clamp(Math.Round(q * (sorted.Length - 1)), 0, sorted.Length - 1)];
    }
}
