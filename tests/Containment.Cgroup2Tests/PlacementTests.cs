using Containment.Cgroup2Tests.Support;
using Containment.Cgroups;
using Containment.Namespaces;
using static Containment.Cgroup2Tests.Support.PureCgroup2;

namespace Containment.Cgroup2Tests;

/// <summary>Where the container's process lives on a pure cgroup v2 machine, and that nothing is left after it.</summary>
[TestFixture, NonParallelizable]
public class PlacementTests
{
    [OneTimeSetUp]
    public void RequirePureCgroup2() => PureCgroup2.Require();

    [Test]
    public async Task The_container_execs_inside_its_own_leaf_and_the_leaf_is_removed_on_dispose()
    {
        var id = "v2-" + Guid.NewGuid().ToString("N")[..10];
        var leaf = $"{Root}/containment/{id}";
        var spec = Container.Shell("cat /proc/self/cgroup", c => c.PidsMax(64).MemoryMax(64 * ByteSize.MiB))
            .WithNamespaces(n => n.Without(NamespaceKind.Cgroup));
        using var cts = new CancellationTokenSource(Container.Timeout);
        string stdout;
        await using (var c = await ContainerProcess.StartAsync(spec, new ContainerStartOptions { Id = id }, cts.Token))
        {
            stdout = await c.StandardOutput!.ReadToEndAsync(cts.Token);
            await c.WaitForExitAsync(cts.Token);
            Assert.That(c.Cgroup!.Mode, Is.EqualTo(CgroupMode.Unified));
            Assert.That(c.Cgroup.Paths, Is.EqualTo(new[] { leaf }));
            Assert.That(Read($"{Root}/containment", "cgroup.subtree_control").Split(' '), Is.SupersetOf(new[] { "cpu", "memory", "pids" }));
            Assert.That(Read(leaf, "pids.max"), Is.EqualTo("64"));
        }
        // Pure v2 has one line, "0::<path>": the process was in its leaf when it exec'd cat.
        Assert.That(stdout.Trim(), Is.EqualTo($"0::/containment/{id}"));
        Assert.That(Directory.Exists(leaf), Is.False, "the leaf is removed on dispose");
    }

    [Test]
    public void The_first_process_is_cloned_straight_into_its_leaf()
    {
        // pids.max 0 refuses every fork charged to the leaf. Moving a process in through cgroup.procs is not
        // refused, so the launch fails only because clone3 itself creates the child in the leaf (CLONE_INTO_CGROUP).
        var leaves = Leaves();
        var e = Assert.ThrowsAsync<ContainerStartException>(() => ContainerProcess.StartAsync(Container.Shell("true", c => c.Unified("pids.max", "0"))));
        Assert.That(e!.Syscall, Is.EqualTo("clone3"), e.Message);
        Assert.That(e.ErrnoName, Is.EqualTo("EAGAIN"));
        Assert.That(Leaves(), Is.EqualTo(leaves), "the failed launch removed its leaf");
    }

    private static int Leaves() => Directory.Exists($"{Root}/containment") ? Directory.GetDirectories($"{Root}/containment").Length : 0;

    [Test]
    public async Task A_new_cgroup_namespace_is_rooted_at_the_containers_leaf()
    {
        var (exit, stdout, _) = await Container.RunToCompletion(Container.Shell("cat /proc/self/cgroup", c => c.PidsMax(64)));
        Assert.That(exit.ExitCode, Is.Zero);
        Assert.That(stdout.Trim(), Is.EqualTo("0::/"));
    }

    [Test]
    public async Task Update_changes_the_limits_of_a_live_container()
    {
        var spec = Container.Shell("sleep 60", c => c.MemoryMax(64 * ByteSize.MiB).PidsMax(10));
        await using var c = await ContainerProcess.StartAsync(spec);
        c.Cgroup!.Update(CgroupSpec.Build(b => b.MemoryMax(128 * ByteSize.MiB).PidsMax(50)));
        var leaf = c.Cgroup.Paths[0];
        Assert.That(Read(leaf, "memory.max"), Is.EqualTo((128 * ByteSize.MiB).ToString()));
        Assert.That(Read(leaf, "pids.max"), Is.EqualTo("50"));
        Assert.That(c.Cgroup.GetStats().Pids!.Limit, Is.EqualTo(50));
    }
}
