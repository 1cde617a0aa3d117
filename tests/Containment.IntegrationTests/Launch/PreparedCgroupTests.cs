using System.Diagnostics;
using Containment.Cgroups;
using Containment.IntegrationTests.Support;
using Containment.Launch;
using Containment.Namespaces;

namespace Containment.IntegrationTests.Launch;

/// <summary>
/// Cgroups prepared ahead of need (ContainerStartOptions.PrepareCgroups, cgroup v1 and hybrid): the container is born in
/// its cgroup with its limits, the placeholder that cloned it is not counted against them, and nothing is left behind.
/// </summary>
[TestFixture, NonParallelizable]
public class PreparedCgroupTests
{
    private static readonly ContainerStartOptions Prepare = new() { PrepareCgroups = true };

    [SetUp]
    public async Task OnV1WithOnePrepared()
    {
        if (CgroupManager.Detect().Mode == CgroupMode.Unified) Assert.Ignore("needs cgroup v1 (pure v2 clones into the cgroup)");
        // The first start with the option makes its cgroup; its disposal prepares the next ones in the background.
        await Run.ToCompletion(ContainerSpec.HostReadOnly().WithCgroup(c => c.PidsMax(8)).WithProcess(p => p.Args("/bin/true")), Prepare);
        var deadline = DateTime.UtcNow + Run.Timeout;
        while (PreparedCgroups.WaitingPaths.Count == 0 && DateTime.UtcNow < deadline)
            await Task.Delay(10);
        Assert.That(PreparedCgroups.WaitingPaths, Is.Not.Empty, "no cgroup was prepared");
    }

    [TearDown]
    public async Task NothingIsLeft()
    {
        var waiting = PreparedCgroups.WaitingPaths;
        Assert.That(await PreparedCgroups.DrainAsync(), Is.True, "each executor removes its prepared directories when its channel closes");
        Assert.That(waiting.Where(Directory.Exists), Is.Empty, "prepared cgroup directories left behind");
    }

    /// <summary>A test host that runs /bin/true with a pids limit and PrepareCgroups, then prints its prepared directories.</summary>
    private static Process StartPreparingHost(int inFlight = 1)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Containment.TestHost.dll"));
        psi.ArgumentList.Add("/bin/true");
        psi.Environment["CONTAINMENT_TESTHOST_PIDS_MAX"] = "16";
        psi.Environment["CONTAINMENT_TESTHOST_MODE"] = "prepare";
        psi.Environment["CONTAINMENT_TESTHOST_IN_FLIGHT"] = inFlight.ToString();
        return Process.Start(psi)!;
    }

    private static ContainerSpec Shell(string script, Action<CgroupBuilder> limits) =>
        ContainerSpec.HostReadOnly().WithCgroup(limits).WithNamespaces(n => n.Without(NamespaceKind.Cgroup))
            .WithProcess(p => p.Args("/bin/sh", "-c", script));

    [Test]
    public async Task The_container_is_born_in_a_prepared_cgroup_with_its_limits()
    {
        var taken = PreparedCgroups.Counts.Taken;
        // Builtins only, so that the shell is the cgroup's one process when the host looks.
        var spec = Shell("while read -r l; do echo \"$l\"; done < /proc/self/cgroup; read line", c => c.PidsMax(16).MemoryMax(48 * ByteSize.MiB))
            .WithProcess(p => p.StandardInput(Stdio.Pipe).StandardOutput(Stdio.Pipe));
        using var cts = new CancellationTokenSource(Run.Timeout);
        string[] paths;
        await using (var c = await ContainerProcess.StartAsync(spec, Prepare, cts.Token))
        {
            Assert.That(PreparedCgroups.Counts.Taken, Is.EqualTo(taken + 1), "the start took the prepared cgroup");
            paths = c.Cgroup!.Paths.ToArray();
            var lines = new List<string>();
            while (await c.StandardOutput!.ReadLineAsync(cts.Token) is { } line && lines.Count < 20)
            {
                lines.Add(line);
                if (line.StartsWith("0::", StringComparison.Ordinal)) break;
            }
            Assert.That(lines.Single(l => l.Contains(":pids:")), Does.EndWith($":pids:/containment/{c.Id}"));
            Assert.That(lines.Single(l => l.Contains(":memory:")), Does.EndWith($":memory:/containment/{c.Id}"));
            Assert.That(File.ReadAllText($"/sys/fs/cgroup/pids/containment/{c.Id}/pids.max").Trim(), Is.EqualTo("16"));
            Assert.That(File.ReadAllText($"/sys/fs/cgroup/memory/containment/{c.Id}/memory.limit_in_bytes").Trim(), Is.EqualTo($"{48 * ByteSize.MiB}"));
            Assert.That(File.ReadAllLines($"/sys/fs/cgroup/pids/containment/{c.Id}/cgroup.procs"), Is.EqualTo(new[] { c.Pid.ToString() }),
                "the placeholder that cloned the container has left its cgroup");
            await c.StandardInput!.WriteLineAsync("done");
            await c.StandardInput.FlushAsync(cts.Token);
            Assert.That((await c.WaitForExitAsync(cts.Token)).ExitCode, Is.EqualTo(0));
        }
        await PreparedCgroups.DrainAsync();
        Assert.That(paths.Where(Directory.Exists), Is.Empty, "the container's cgroup is removed after disposal");
    }

    [Test]
    public async Task A_pids_limit_counts_the_containers_processes_only()
    {
        // 4: the shell and three children fit; a fourth child does not.
        var fits = await Run.ToCompletion(Shell("sleep 1 & sleep 1 & sleep 1 & wait; echo fits", c => c.PidsMax(4)), Prepare);
        Assert.That((fits.Stdout.Trim(), fits.Stderr), Is.EqualTo(("fits", "")));
        var deadline = DateTime.UtcNow + Run.Timeout;
        while (PreparedCgroups.WaitingPaths.Count == 0 && DateTime.UtcNow < deadline)
            await Task.Delay(10);
        var taken = PreparedCgroups.Counts.Taken;
        var over = await Run.ToCompletion(Shell("sleep 1 & sleep 1 & sleep 1 & sleep 1 & wait; echo over", c => c.PidsMax(4)), Prepare);
        Assert.That(PreparedCgroups.Counts.Taken, Is.EqualTo(taken + 1));
        Assert.That(over.Stderr, Does.Contain("fork").IgnoreCase.Or.Contain("Resource temporarily unavailable"));
    }

    [Test]
    public async Task A_memory_hog_in_a_prepared_cgroup_is_OOM_killed()
    {
        var spec = ContainerSpec.HostReadOnly().WithCgroup(c => c.MemoryMax(32 * ByteSize.MiB))
            .WithNamespaces(n => n.Without(NamespaceKind.Pid)).WithProcess(p => p.Args("/bin/sh", "-c", "exec tail /dev/zero"));
        var taken = PreparedCgroups.Counts.Taken;
        var r = await Run.ToCompletion(spec, Prepare);
        Assert.That(PreparedCgroups.Counts.Taken, Is.EqualTo(taken + 1));
        Assert.That(r.Exit.OomKilled, Is.True, r.Exit.ToString());
    }

    /// <summary>Starts <paramref name="count"/> sleeping containers with the option, all alive at once, then disposes them.</summary>
    private static async Task RunAliveAtOnce(int count)
    {
        var containers = new List<ContainerProcess>();
        try
        {
            for (var i = 0; i < count; i++)
                containers.Add(await ContainerProcess.StartAsync(Shell("exec sleep 1000", c => c.PidsMax(8)), Prepare));
        }
        finally
        {
            foreach (var c in containers)
                await c.DisposeAsync();
        }
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Run.Timeout;
        while (!condition() && DateTime.UtcNow < deadline)
            await Task.Delay(10);
    }

    [Test]
    public async Task The_pool_grows_to_the_containers_alive_at_once()
    {
        await RunAliveAtOnce(5);
        Assert.That(PreparedCgroups.Target, Is.EqualTo(5), "five eligible containers were alive at once");
        await WaitUntil(() => PreparedCgroups.Waiting == 5);
        var waiting = PreparedCgroups.WaitingPaths;
        Assert.That(PreparedCgroups.Waiting, Is.EqualTo(5), "the disposals prepared five");
        Assert.That(waiting.Where(Directory.Exists), Is.EqualTo(waiting));
        var taken = PreparedCgroups.Counts.Taken;
        await RunAliveAtOnce(5);
        Assert.That(PreparedCgroups.Counts.Taken, Is.EqualTo(taken + 5), "five starts side by side each took one");
        // TearDown: the executors remove every waiting one's directories.
    }

    [Test]
    public async Task An_idle_pool_shrinks_back_and_the_surplus_is_removed()
    {
        PreparedCgroups.IdleTimeout = TimeSpan.FromSeconds(1);
        try
        {
            await RunAliveAtOnce(4);
            var seen = new HashSet<string>();
            await WaitUntil(() =>
            {
                seen.UnionWith(PreparedCgroups.WaitingPaths);
                return PreparedCgroups.Target == PreparedCgroups.Base && PreparedCgroups.Waiting <= PreparedCgroups.Base;
            });
            Assert.That((PreparedCgroups.Target, PreparedCgroups.Waiting), Is.EqualTo((PreparedCgroups.Base, PreparedCgroups.Base)),
                "back to the base after a second without a start");
            var discarded = seen.Except(PreparedCgroups.WaitingPaths).ToList();
            await WaitUntil(() => !discarded.Any(Directory.Exists));
            Assert.That(discarded.Where(Directory.Exists), Is.Empty, "the surplus's executors removed its directories");
        }
        finally
        {
            PreparedCgroups.IdleTimeout = TimeSpan.FromSeconds(10);
        }
    }

    /// <summary>1: the pool as the host's first disposal leaves it; 4: grown to four containers alive at once.</summary>
    [TestCase(1)]
    [TestCase(4)]
    public async Task A_host_killed_with_prepared_cgroups_leaves_none_behind(int inFlight)
    {
        using var host = StartPreparingHost(inFlight);
        var stderr = host.StandardError.ReadToEndAsync();
        var prepared = new List<string>();
        using var timeout = new CancellationTokenSource(Run.Timeout);
        while (await host.StandardOutput.ReadLineAsync(timeout.Token) is { } line && line != "took 0")
            if (line.StartsWith("prepared ", StringComparison.Ordinal))
                prepared.Add(line["prepared ".Length..]);
        Assert.That(prepared.Select(Path.GetFileName).Distinct().Count(), Is.GreaterThanOrEqualTo(inFlight),
            await Task.WhenAny(stderr, Task.Delay(100)) == stderr ? await stderr : "too few prepared cgroups");
        Assert.That(prepared.Where(Directory.Exists), Is.EqualTo(prepared), "prepared directories exist while the host lives");
        host.Kill(); // SIGKILL: the host cleans up nothing
        await host.WaitForExitAsync(timeout.Token);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (prepared.Any(Directory.Exists) && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        Assert.That(prepared.Where(Directory.Exists), Is.Empty, "each executor removes its prepared directories (and kills its placeholder) when the host dies");
    }

    [Test]
    public async Task A_new_preparer_removes_the_empty_prepared_cgroups_of_dead_processes()
    {
        // What a host killed together with its executors leaves: prepared directories named for a pid now gone, and for
        // a pid reused since (or a host's in another pid namespace): this process's pid, another start time.
        using var gone = Process.Start("/bin/true");
        await gone.WaitForExitAsync();
        var start = Containment.Oci.ProcessIdentity.Of(Environment.ProcessId)!.Value.StartTime;
        var hierarchies = CgroupManager.Detect().Layout.V1.Select(h => h.MountPoint).ToList();
        string Named(string preparer) => $"p{preparer}-{Guid.NewGuid().ToString("N")[..12]}";
        var dead = hierarchies.SelectMany(h => new[] { $"{gone.Id}-{start}", $"{Environment.ProcessId}-{start - 1}" }
            .Select(preparer => Path.Combine(h, "containment", Named(preparer)))).ToList();
        var alive = hierarchies.Select(h => Path.Combine(h, "containment", Named($"{Environment.ProcessId}-{start}"))).ToList();
        try
        {
            foreach (var dir in dead.Concat(alive))
                Directory.CreateDirectory(dir);
            using var host = StartPreparingHost();
            using var timeout = new CancellationTokenSource(Run.Timeout);
            while (await host.StandardOutput.ReadLineAsync(timeout.Token) is { } line && line != "took 0")
            {
            }
            host.Kill();
            await host.WaitForExitAsync(timeout.Token);
            Assert.That(dead.Where(Directory.Exists), Is.Empty, "the dead preparer's directories are removed");
            Assert.That(alive.Where(Directory.Exists), Is.EqualTo(alive), "a live preparer's are left alone");
        }
        finally
        {
            foreach (var dir in dead.Concat(alive).Where(Directory.Exists))
                Directory.Delete(dir);
        }
    }

    [Test]
    public async Task A_start_with_an_id_makes_its_own_cgroup()
    {
        var (taken, missed) = PreparedCgroups.Counts;
        var id = "containment-test-" + Guid.NewGuid().ToString("N")[..8];
        var r = await Run.ToCompletion(Shell("cat /proc/self/cgroup", c => c.PidsMax(8)), Prepare with { Id = id });
        Assert.That(r.Stdout, Does.Contain($":pids:/containment/{id}"));
        Assert.That(PreparedCgroups.Counts, Is.EqualTo((taken, missed)), "not eligible: neither taken nor missed");
    }
}
