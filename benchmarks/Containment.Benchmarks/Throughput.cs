using System.Diagnostics;
using Containment.Namespaces;

namespace Containment.Benchmarks;

/// <summary>
/// Containers per second: COUNT lifecycles of /bin/true, IN_FLIGHT at a time, for the library (one host, with the
/// bundle's cgroup, prepared ahead of need by a pool that grows to the containers in flight, and the same cgroup made
/// by each start), <c>containment run</c>, <c>crun run</c> and <c>runc run</c> (one process per container).
/// Candidates take turns in rounds; prints each one's median rate over the rounds, the library's ratio to it, and the CPU
/// time per container (this process and its children: host, executors, containers, runtimes), which the load does not skew.
/// </summary>
internal static class Throughput
{
    public static async Task<int> RunAsync(string[] args)
    {
        string? bundle = null, cli = null;
        int count = 200, inFlight = 8, rounds = 3;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--bundle": bundle = args[++i]; break;
                case "--count": count = int.Parse(args[++i]); break;
                case "--in-flight": inFlight = int.Parse(args[++i]); break;
                case "--rounds": rounds = int.Parse(args[++i]); break;
                case "--cli": cli = args[++i]; break;
                default: bundle = null; i = args.Length; break;
            }
        }
        if (bundle is null)
        {
            Console.Error.WriteLine("usage: throughput --bundle DIR [--count N] [--in-flight K] [--rounds R] [--cli PATH]");
            return 2;
        }
        var spec = ContainerSpec.FromRootfs(Path.Combine(bundle, "rootfs"))
            .WithNamespaces(NamespaceSet.Isolated.Without(NamespaceKind.Cgroup))
            .WithCgroup(SideBySide.Limits)
            .WithProcess(p => p.Args("/bin/true").StandardOutput(Stdio.Null).StandardError(Stdio.Null));
        var candidates = new List<(string Name, Func<int, Task> Run)>
        {
            ("library, cgroup", _ => StartBenchmarks.RunAsync(spec, StartBenchmarks.Prepared)),
            ("library, made", _ => StartBenchmarks.RunAsync(spec)),
        };
        if (cli is not null)
            candidates.Add(("containment run", i => SideBySide.Exec(cli, "--root", "/run/containment-bench-cli", "run", "--bundle", bundle, $"tp-cli-{i}")));
        foreach (var runtime in new[] { "crun", "runc" })
            if (SideBySide.Which(runtime) is { } path)
                candidates.Add(($"{runtime} run", i => SideBySide.Exec(path, "--root", $"/run/containment-bench-{runtime}", "run", "--bundle", bundle, $"tp-{runtime}-{i}")));

        foreach (var (_, run) in candidates)
            await Lifecycles(run, SideBySide.WarmUp, inFlight, 1_000_000); // warm-up (see SideBySide.WarmUp)
        var rates = candidates.Select(_ => new List<double>()).ToArray();
        var cpu = new double[candidates.Count]; // this process's and its children's CPU ms, over every round
        for (var r = 0; r < rounds; r++)
            for (var k = 0; k < candidates.Count; k++)
            {
                var c = (r + k) % candidates.Count;
                var before = Phases.CpuMs();
                rates[c].Add(count / await Lifecycles(candidates[c].Run, count, inFlight, r * count));
                var after = Phases.CpuMs();
                cpu[c] += after.Self - before.Self + after.Children - before.Children;
            }
        Console.WriteLine($"containers/s: {count} lifecycles of /bin/true, {inFlight} in flight, {rounds} rounds (median, min–max):");
        var reference = SideBySide.Percentile(rates[0], 0.5);
        for (var c = 0; c < candidates.Count; c++)
        {
            var m = SideBySide.Percentile(rates[c], 0.5);
            Console.WriteLine($"  {candidates[c].Name,-18} {m,7:F0}  ({rates[c].Min():F0}–{rates[c].Max():F0})   {candidates[0].Name} / this = {reference / m:F2}" +
                $"   CPU per container {cpu[c] / (count * rounds):F1} ms");
        }
        var (taken, missed) = Launch.PreparedCgroups.Counts;
        Console.WriteLine($"  prepared cgroups taken/missed: {taken}/{missed}; pool target {Launch.PreparedCgroups.Target} (at most {Launch.PreparedCgroups.Max})");
        return 0;
    }

    /// <summary>Runs COUNT lifecycles, IN_FLIGHT at a time; returns the seconds it took.</summary>
    private static async Task<double> Lifecycles(Func<int, Task> run, int count, int inFlight, int firstId)
    {
        var next = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) is var i && i <= count)
                await run(firstId + i);
        })));
        return clock.Elapsed.TotalSeconds;
    }
}
