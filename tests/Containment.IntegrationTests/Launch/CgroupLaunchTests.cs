using Containment.Cgroups;
using Containment.IntegrationTests.Support;
using Containment.Namespaces;

namespace Containment.IntegrationTests.Launch;

public class CgroupLaunchTests
{
    private static ContainerSpec Limited(string script, Action<CgroupBuilder> limits) =>
        ContainerSpec.HostReadOnly().WithCgroup(limits).WithProcess(p => p.Args("/bin/sh", "-c", script));

    [Test]
    public async Task The_container_is_in_its_cgroup_before_it_execs()
    {
        var id = "containment-test-" + Guid.NewGuid().ToString("N")[..8];
        var spec = Limited("cat /proc/self/cgroup", c => c.PidsMax(64)).WithNamespaces(n => n.Without(NamespaceKind.Cgroup));
        var r = await Run.ToCompletion(spec, new ContainerStartOptions { Id = id });
        var pids = r.Stdout.Split('\n').Single(l => l.Contains(":pids:"));
        Assert.That(pids, Does.EndWith($":pids:/containment/{id}"));
        Assert.That(Directory.Exists($"/sys/fs/cgroup/pids/containment/{id}"), Is.False, "removed on dispose");
    }

    [Test]
    public async Task The_child_joins_every_v1_hierarchy_itself_and_keeps_no_cgroup_file_open()
    {
        if (CgroupLayout.Detect().Mode == CgroupMode.Unified)
            Assert.Ignore("v1 only: on pure v2 the child is cloned into its cgroup");
        var id = "containment-test-" + Guid.NewGuid().ToString("N")[..8];
        // The tasks files the child wrote itself into are closed before its program runs: it lists only its streams.
        var spec = Limited("cat /proc/self/cgroup; ls /proc/self/fd", c => c.PidsMax(64)).WithNamespaces(n => n.Without(NamespaceKind.Cgroup));
        var r = await Run.ToCompletion(spec, new ContainerStartOptions { Id = id });
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var v1 = lines.Where(l => l.Contains(':') && l.Split(':')[1] is { Length: > 0 } c && !c.StartsWith("name=")).ToList(); // controllers
        Assert.That(v1, Is.Not.Empty);
        Assert.That(v1, Has.All.EndsWith($"/containment/{id}"), "in the container's cgroup in every v1 hierarchy");
        Assert.That(lines.Where(l => !l.Contains(':')).SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)),
            Is.EqualTo(new[] { "0", "1", "2", "3" }));
    }

    [Test]
    public async Task A_new_cgroup_namespace_is_rooted_at_the_containers_cgroup()
    {
        var r = await Run.ToCompletion(Limited("cat /proc/self/cgroup", c => c.PidsMax(64)));
        var pids = r.Stdout.Split('\n').Single(l => l.Contains(":pids:"));
        Assert.That(pids, Does.EndWith(":pids:/"));
    }

    [Test]
    public async Task A_pids_limit_makes_fork_fail()
    {
        var r = await Run.ToCompletion(Limited("for i in 1 2 3 4 5 6 7 8; do sleep 5 & done; wait; echo done", c => c.PidsMax(4)));
        Assert.That(r.Stderr, Does.Contain("fork").IgnoreCase.Or.Contain("Resource temporarily unavailable"));
    }

    [Test]
    public async Task A_process_past_its_memory_limit_is_OOM_killed_and_counted()
    {
        var spec = ContainerSpec.HostReadOnly().WithCgroup(c => c.MemoryMax(32 * ByteSize.MiB))
            .WithNamespaces(n => n.Without(NamespaceKind.Pid))
            .WithProcess(p => p.Args("/bin/sh", "-c", "exec tail /dev/zero"));
        using var cts = new CancellationTokenSource(Run.Timeout);
        await using var c = await ContainerProcess.StartAsync(spec, cts.Token);
        var exit = await c.WaitForExitAsync(cts.Token);
        Assert.That(exit.Signal, Is.EqualTo(Signal.Kill));
        Assert.That(c.Cgroup!.GetStats().Memory!.OomKills, Is.GreaterThanOrEqualTo(1));
        Assert.That(exit.OomKilled, Is.True);
        Assert.That(exit.MemoryLimit, Is.EqualTo(32 * ByteSize.MiB));
        Assert.That(exit.ToString(), Is.EqualTo("killed by the OOM killer: memory limit 32 MiB"));
    }

    [Test]
    public async Task A_kill_from_the_host_is_not_reported_as_the_OOM_killers()
    {
        var spec = ContainerSpec.HostReadOnly().WithCgroup(c => c.MemoryMax(64 * ByteSize.MiB)).WithProcess(p => p.Args("/bin/sleep", "60"));
        using var cts = new CancellationTokenSource(Run.Timeout);
        await using var c = await ContainerProcess.StartAsync(spec, cts.Token);
        c.Kill();
        var exit = await c.WaitForExitAsync(cts.Token);
        Assert.That((exit.Signal, exit.OomKilled), Is.EqualTo((Signal.Kill, false)));
    }

    [Test]
    public async Task A_cgroup_made_inside_a_containers_cgroup_goes_with_it()
    {
        // The executor cannot remove a leaf that has a child cgroup (EBUSY): the host, told so, removes both.
        string[] paths;
        await using (var c = await ContainerProcess.StartAsync(Limited("sleep 60", c => c.PidsMax(32))))
        {
            paths = c.Cgroup!.Paths.ToArray();
            Directory.CreateDirectory(Path.Combine(paths[0], "inner"));
        }
        Assert.That(paths.Where(Directory.Exists), Is.Empty, "cgroup directories left behind");
    }

    [Test]
    public async Task A_hundred_lifecycles_leave_no_cgroup_and_no_process()
    {
        var prefix = "lifecycle-" + Guid.NewGuid().ToString("N")[..8] + "-";
        var children = HostSnapshot.ChildPids();
        await using (var probe = await ContainerProcess.StartAsync(Limited("sleep 60", c => c.PidsMax(32)), new ContainerStartOptions { Id = prefix + "probe" }))
            Assert.That(Directory.GetDirectories("/sys/fs/cgroup", prefix + "*", SearchOption.AllDirectories), Is.Not.Empty,
                "a running container's cgroup is found by this search");
        for (var i = 0; i < 100; i++)
            await Run.ToCompletion(Limited("true", c => c.PidsMax(32).MemoryMax(64 * ByteSize.MiB)), new ContainerStartOptions { Id = prefix + i });
        var left = Directory.GetDirectories("/sys/fs/cgroup", prefix + "*", SearchOption.AllDirectories);
        Assert.That(left, Is.Empty, "cgroup directories of the containers left behind");
        Assert.That(HostSnapshot.ChildPids(), Is.EquivalentTo(children), "processes left behind");
    }

    [Test]
    public void An_invalid_limit_is_rejected_before_anything_starts()
    {
        var e = Assert.ThrowsAsync<ContainerSpecException>(() => ContainerProcess.StartAsync(Limited("true", c => c.PidsMax(0))));
        Assert.That(e!.Errors.Select(x => x.Field), Has.Some.StartsWith("cgroup.pids"));
    }
}
