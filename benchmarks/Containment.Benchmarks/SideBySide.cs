using System.Diagnostics;
using Containment.Cgroups;
using Containment.Namespaces;

namespace Containment.Benchmarks;

/// <summary>
/// Start→exit of /bin/true, measured side by side and alternating so that machine noise falls on every candidate
/// alike: this library from a warm, long-running host, with the bundle's cgroup (memory + pids, as crun's config) prepared
/// ahead of need (ContainerStartOptions.PrepareCgroups), the same cgroup made by the start ("made"), and
/// without one; the CLI (<c>containment run</c>) when given; <c>crun run</c>, <c>runc run</c> and the bare
/// <c>unshare</c> floor as whole processes. Teardown is counted (the library's <c>await using</c>). Prints p10/p50/p90
/// and each candidate's ratio to the reference (the first candidate).
/// </summary>
internal static class SideBySide
{
    /// <summary>The cgroup of the comparison: what benchmarks/lib/bundle.sh puts in the bundle's linux.resources.</summary>
    internal static readonly CgroupSpec Limits = CgroupSpec.Build(c => c.MemoryMax(64 * ByteSize.MiB).PidsMax(32));

    /// <summary>Runs of each candidate before measuring: enough for the JIT's tier-1 code (30 calls, then a background compile).</summary>
    internal const int WarmUp = 60;

    public static async Task<int> RunAsync(string[] args)
    {
        string? bundle = null, cli = null, baselineCli = null;
        var runs = 100;
        var idleMs = 0;
        var only = "library";
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--bundle": bundle = args[++i]; break;
                case "--runs": runs = int.Parse(args[++i]); break;
                case "--idle-ms": idleMs = int.Parse(args[++i]); break;
                case "--cli": cli = args[++i]; break;
                case "--baseline-cli": baselineCli = args[++i]; break;
                case "--set": only = args[++i]; break;
                default: return Usage();
            }
        }
        if (bundle is null || only is not ("library" or "cli"))
            return Usage();
        var candidates = Candidates(bundle, cli, only, baselineCli);
        Console.WriteLine($"start→exit of /bin/true, {runs} alternating rounds, {(idleMs > 0 ? $"idle {idleMs} ms before each run" : "back to back")}; ms:");
        await MeasureAsync(candidates, runs, idleMs);
        Report(candidates);
        return 0;
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: compare --bundle DIR [--runs N] [--idle-ms MS] [--set library|cli] [--cli PATH] [--baseline-cli PATH]");
        Console.Error.WriteLine("  DIR has rootfs/ and config.json (benchmarks/lib/bundle.sh); PATH is the containment binary (the baseline: another build of it, for before/after in one run)");
        return 2;
    }

    internal static List<Candidate> Candidates(string bundle, string? cli, string set, string? baselineCli = null)
    {
        var rootfs = Path.Combine(bundle, "rootfs");
        var plain = ContainerSpec.FromRootfs(rootfs)
            .WithNamespaces(NamespaceSet.Isolated.Without(NamespaceKind.Cgroup))
            .WithProcess(p => p.Args("/bin/true").StandardOutput(Stdio.Null).StandardError(Stdio.Null));
        var limited = plain.WithCgroup(Limits);
        var candidates = new List<Candidate>();
        if (set == "library")
        {
            candidates.Add(new("library, cgroup", _ => StartBenchmarks.RunAsync(limited, StartBenchmarks.Prepared)));
            candidates.Add(new("library, cgroup, made", _ => StartBenchmarks.RunAsync(limited)));
            candidates.Add(new("library, no cgroup", _ => StartBenchmarks.RunAsync(plain)));
        }
        else if (cli is not null)
            candidates.Add(new("containment run", i => Exec(cli, "--root", "/run/containment-bench-cli", "run", "--bundle", bundle, $"bench-cli-{i}")));
        if (set == "cli" && baselineCli is not null)
            candidates.Add(new("containment (baseline)", i => Exec(baselineCli, "--root", "/run/containment-bench-cli", "run", "--bundle", bundle, $"bench-base-{i}")));
        foreach (var runtime in new[] { "crun", "runc" })
            if (Which(runtime) is { } path)
                candidates.Add(new($"{runtime} run", i => Exec(path, "--root", $"/run/containment-bench-{runtime}", "run", "--bundle", bundle, $"bench-{runtime}-{i}")));
        candidates.Add(new("unshare floor", _ => Exec("/usr/bin/unshare", "--fork", "--pid", "--mount", "--uts", "--ipc", "--net", "/bin/true")));
        if (set == "library")
            candidates.Add(new("/bin/true", _ => Exec("/bin/true")));
        return candidates;
    }

    /// <summary>Rounds of one run per candidate; the order within a round rotates, so no candidate always follows the same one.</summary>
    private static async Task MeasureAsync(List<Candidate> candidates, int runs, int idleMs)
    {
        // Warm-up: the library's code tiered up by the JIT (a long-running host's state), the executor image, the
        // runtimes' pages in the cache.
        foreach (var c in candidates)
            for (var w = 0; w < WarmUp; w++)
                await c.Run(-w - 1);
        for (var i = 0; i < runs; i++)
            for (var k = 0; k < candidates.Count; k++)
            {
                var c = candidates[(i + k) % candidates.Count];
                if (idleMs > 0)
                    await Task.Delay(idleMs);
                var t = Stopwatch.GetTimestamp();
                await c.Run(i);
                c.Ms.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
    }

    private static void Report(List<Candidate> candidates)
    {
        var reference = candidates[0];
        Console.WriteLine($"  {"",-22} {"p10",7} {"p50",7} {"p90",7}   {reference.Name} / this (p50)");
        foreach (var c in candidates)
            Console.WriteLine($"  {c.Name,-22} {Percentile(c.Ms, 0.1),7:F2} {Percentile(c.Ms, 0.5),7:F2} {Percentile(c.Ms, 0.9),7:F2}   {Percentile(reference.Ms, 0.5) / Percentile(c.Ms, 0.5),5:F2}");
    }

    internal static string? Which(string name) =>
        new[] { "/usr/sbin", "/usr/bin", "/usr/local/bin", "/usr/local/sbin" }.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    internal static async Task Exec(string file, params string[] args)
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

    internal static double Percentile(List<double> xs, double q)
    {
        var sorted = xs.Order().ToArray();
        return sorted[(int)Math.Clamp(Math.Round(q * (sorted.Length - 1)), 0, sorted.Length - 1)];
    }

    internal sealed record Candidate(string Name, Func<int, Task> Run)
    {
        public List<double> Ms { get; } = [];
    }
}
