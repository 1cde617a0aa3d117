using System.Diagnostics;
using Containment.Namespaces;

namespace Containment.Benchmarks;

/// <summary>
/// Where a library lifecycle's time goes: StartAsync (to exec), WaitForExitAsync (exec to the exit report) and
/// DisposeAsync (teardown), p10/p50/p90 over RUNS lifecycles of /bin/true with the comparison's cgroup and without.
/// </summary>
internal static class Phases
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args is not ["--bundle", var bundle, ..])
        {
            Console.Error.WriteLine("usage: phases --bundle DIR [--runs N] [--idle-ms MS]");
            return 2;
        }
        var runs = args.Length > 3 && args[2] == "--runs" ? int.Parse(args[3]) : 100;
        var idleMs = args.Length > 5 && args[4] == "--idle-ms" ? int.Parse(args[5]) : 0;
        var plain = ContainerSpec.FromRootfs(Path.Combine(bundle, "rootfs"))
            .WithNamespaces(NamespaceSet.Isolated.Without(NamespaceKind.Cgroup))
            .WithProcess(p => p.Args("/bin/true").StandardOutput(Stdio.Null).StandardError(Stdio.Null));
        // Twice: the first pass lets the JIT tier up the code both paths share; the second is reported.
        var limited = plain.WithCgroup(SideBySide.Limits);
        ContainerStartOptions made = new(), prepared = StartBenchmarks.Prepared;
        foreach (var (name, spec, options, report) in new[] { ("cgroup, made", limited, made, false), ("cgroup, prepared", limited, prepared, false),
                     ("no cgroup", plain, made, false), ("cgroup, made", limited, made, true), ("cgroup, prepared", limited, prepared, true), ("no cgroup", plain, made, true) })
        {
            List<double> start = [], wait = [], dispose = [], total = [];
            (double Self, double Children) cpu = default;
            for (var i = -SideBySide.WarmUp; i < runs; i++)
            {
                if (i == 0)
                    cpu = CpuMs();
                if (idleMs > 0)
                    await Task.Delay(idleMs);
                var t0 = Stopwatch.GetTimestamp();
                var c = await ContainerProcess.StartAsync(spec, options);
                var t1 = Stopwatch.GetTimestamp();
                await c.WaitForExitAsync();
                var t2 = Stopwatch.GetTimestamp();
                await c.DisposeAsync();
                var t3 = Stopwatch.GetTimestamp();
                if (i < 0)
                    continue;
                start.Add(Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds);
                wait.Add(Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds);
                dispose.Add(Stopwatch.GetElapsedTime(t2, t3).TotalMilliseconds);
                total.Add(Stopwatch.GetElapsedTime(t0, t3).TotalMilliseconds);
            }
            var used = CpuMs();
            if (!report)
                continue;
            Console.WriteLine($"{name}: p10/p50/p90 ms over {runs}; CPU per lifecycle: host {(used.Self - cpu.Self) / runs:F2} ms, " +
                $"executor and container {(used.Children - cpu.Children) / runs:F2} ms");
            if (options.PrepareCgroups)
                Console.WriteLine($"  prepared cgroups taken/missed so far: {Launch.PreparedCgroups.Counts}");
            foreach (var (phase, xs) in new[] { ("start", start), ("wait", wait), ("dispose", dispose), ("total", total) })
                Console.WriteLine($"  {phase,-8} {SideBySide.Percentile(xs, 0.1),7:F2} {SideBySide.Percentile(xs, 0.5),7:F2} {SideBySide.Percentile(xs, 0.9),7:F2}");
        }
        return 0;
    }

    /// <summary>CPU time (user + system) of this process and of its reaped children, in ms.</summary>
    internal static unsafe (double Self, double Children) CpuMs()
    {
        var usage = stackalloc long[18];
        getrusage(0, usage);
        var self = (usage[0] + usage[2]) * 1e3 + (usage[1] + usage[3]) / 1e3;
        getrusage(-1, usage);
        return (self, (usage[0] + usage[2]) * 1e3 + (usage[1] + usage[3]) / 1e3);
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern unsafe int getrusage(int who, long* usage);
}
