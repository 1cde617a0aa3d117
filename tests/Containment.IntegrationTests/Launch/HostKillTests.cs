using System.Diagnostics;
using Containment.IntegrationTests.Support;

namespace Containment.IntegrationTests.Launch;

/// <summary>
/// The host SIGKILLed at random moments of a start, an exec and a delete: whatever the moment, nothing of the container
/// may be left (process, cgroup directory in any hierarchy, mount, network namespace). The seed is printed; set
/// CONTAINMENT_FAULT_SEED to replay a run.
/// </summary>
[NonParallelizable]
public class HostKillTests
{
    private const int Iterations = 26;
    private const int InFlight = 2;

    /// <summary>Per operation, so that the three stay under a minute; a slow machine runs fewer kills (and says so).</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(19);

    private static string TestHost => Path.Combine(AppContext.BaseDirectory, "Containment.TestHost.dll");

    [TestCase("start")]
    [TestCase("exec")]
    [TestCase("delete")]
    public async Task A_host_killed_at_a_random_moment_leaves_nothing_behind(string operation)
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("CONTAINMENT_FAULT_SEED"), out var s) ? s : Random.Shared.Next();
        TestContext.Progress.WriteLine($"{operation}: seed {seed} (CONTAINMENT_FAULT_SEED={seed} replays it)");
        var random = new Random(seed);
        using var rootfs = TestRootfs.Create();
        using var subreaper = new Subreaper();
        var childrenBefore = HostSnapshot.ChildPids();
        var mountsBefore = HostSnapshot.MountPoints();
        var calibration = await RunHost(rootfs, operation, killAfterUs: null);
        var window = calibration.Took;
        Assert.That(window, Is.GreaterThan(0), "the calibration run did not time the operation");
        Assert.That(calibration.Namespaces, Is.Not.Empty, "the container's namespaces were read (its pid found in its cgroup)");
        var clock = Stopwatch.StartNew();
        var iterations = 0;
        var killedDuring = 0;
        for (; iterations < Iterations && clock.Elapsed < Budget; iterations += InFlight)
        {
            // A little past the end, so that the moments after the operation are covered too.
            var delays = Enumerable.Range(0, InFlight).Select(_ => (long)(random.NextDouble() * window * 1.2)).ToList();
            var runs = await Task.WhenAll(delays.Select(d => RunHost(rootfs, operation, d)));
            killedDuring += runs.Count(r => r.Took == 0);
            for (var i = 0; i < InFlight; i++)
            {
                var left = await Leftovers.AwaitGone(runs[i].Id, childrenBefore, runs[i].Namespaces, mountsBefore, TimeSpan.FromSeconds(5));
                if (left.Count == 0)
                    continue;
                foreach (var run in runs)
                    Leftovers.Remove(run.Id);
                Assert.Fail($"{operation}, killed {delays[i]} µs in (seed {seed}, iteration {iterations + i}, window {window} µs):\n  {string.Join("\n  ", left)}");
            }
        }
        TestContext.Progress.WriteLine($"{operation}: {iterations} kills over a {window} µs window, {killedDuring} before it completed, {clock.Elapsed.TotalSeconds:F1} s");
        if (iterations < Iterations)
            Assert.Warn($"only {iterations} of {Iterations} kills fit in {Budget.TotalSeconds} s");
        Assert.That(killedDuring, Is.GreaterThan(0), "no kill landed inside the operation");
    }

    private sealed record HostRun(string Id, long Took, IReadOnlyList<string> Namespaces);

    /// <summary>
    /// Runs the test host on a busybox rootfs with a cgroup; with a delay it SIGKILLs itself that long into the operation.
    /// Returns what the host reported before it died: the operation's duration (0 when it did not complete) and the
    /// namespaces of the processes it started (read while they ran).
    /// </summary>
    private static async Task<HostRun> RunHost(TestRootfs rootfs, string operation, long? killAfterUs)
    {
        var id = $"hostkill-{Guid.NewGuid():N}"[..24];
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(TestHost);
        psi.ArgumentList.Add("/bin/sleep");
        psi.ArgumentList.Add("1000");
        psi.Environment["CONTAINMENT_TESTHOST_ROOTFS"] = rootfs.Path;
        psi.Environment["CONTAINMENT_TESTHOST_PIDS_MAX"] = "64";
        psi.Environment["CONTAINMENT_TESTHOST_ID"] = id;
        psi.Environment["CONTAINMENT_TESTHOST_MODE"] = operation;
        if (killAfterUs is { } delay)
            psi.Environment["CONTAINMENT_TESTHOST_KILL_AFTER_US"] = delay.ToString();
        using var host = Process.Start(psi)!;
        var stderr = host.StandardError.ReadToEndAsync();
        var namespaces = new List<string>();
        long took = 0;
        // Its stdout stays open while anything it started holds it: a leak shows as a timeout here.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await host.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            var (key, value) = (line.Split(' ')[0], line[(line.IndexOf(' ') + 1)..]);
            // Only while the pid still names the container's process: one killed with its host can be gone and its pid taken by
            // another program on the machine, whose namespaces are not ours (failed once beside a fresh-machine run). A
            // leaked process stays in the cgroup and is found there.
            if (key is "pid" or "exec-pid" && ProcScan.IsInCgroup(int.Parse(value), $"/containment/{id}"))
                namespaces.AddRange(new[] { "net", "pid", "mnt" }.Select(k => ProcScan.Namespace(int.Parse(value), k)).OfType<string>()
                    .Where(ns => ns != ProcScan.Namespace(Environment.ProcessId, ns[..ns.IndexOf(':')])));
            else if (key == "took")
            {
                took = long.Parse(value);
                if (killAfterUs is null)
                    host.Kill(); // the calibration run: the operation is timed, the host waits to be killed
            }
            else if (key == "error")
                Assert.Fail($"the test host failed: {line}");
        }
        await host.WaitForExitAsync();
        _ = await stderr;
        return new HostRun(id, took, namespaces.Distinct().ToList());
    }
}
