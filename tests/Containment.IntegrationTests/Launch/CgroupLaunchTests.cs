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
    }

    [Test]
    public async Task Cgroups_are_removed_after_many_lifecycles()
    {
        var before = Directory.GetDirectories("/sys/fs/cgroup", "*", SearchOption.AllDirectories).Length;
        for (var i = 0; i < 20; i++)
            await Run.ToCompletion(Limited("true", c => c.PidsMax(32).MemoryMax(64 * ByteSize.MiB)));
        var after = Directory.GetDirectories("/sys/fs/cgroup", "*", SearchOption.AllDirectories).Length;
        Assert.That(after, Is.EqualTo(before));
    }

    [Test]
    public void An_invalid_limit_is_rejected_before_anything_starts()
    {
        var e = Assert.ThrowsAsync<ContainerSpecException>(() => ContainerProcess.StartAsync(Limited("true", c => c.PidsMax(0))));
        Assert.That(e!.Errors.Select(x => x.Field), Has.Some.StartsWith("cgroup.pids"));
    }
}
