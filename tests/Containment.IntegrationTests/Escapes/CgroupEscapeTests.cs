using Containment.IntegrationTests.Support;

namespace Containment.IntegrationTests.Escapes;

/// <summary>
/// Leaving the container's cgroup (and its limits): writing its own pid to every cgroup.procs it can see, through ..
/// above its cgroup, after remounting the cgroup tree read-write, and on a cgroup hierarchy mounted anew. The host reads
/// /proc/PID/cgroup of the container's process before and after.
/// </summary>
public class CgroupEscapeTests
{
    private const string Script = """
        read go
        for f in /sys/fs/cgroup/cgroup.procs /sys/fs/cgroup/*/cgroup.procs /sys/fs/cgroup/*/../cgroup.procs /sys/fs/cgroup/*/../../cgroup.procs; do
          [ -e $f ] && echo $$ > $f && echo moved $f
        done
        mount -o remount,rw /sys/fs/cgroup && echo remounted
        mkdir -p /tmp/cg && mount -t cgroup -o pids none /tmp/cg && echo mounted
        mount -t cgroup2 none /tmp/cg && echo mounted2
        echo done
        read end
        """;

    private static async Task AssertStaysInItsCgroup(ContainerSpec spec)
    {
        await using var c = await ContainerProcess.StartAsync(spec.WithProcess(p => p.Args("/bin/sh", "-c", Script).StandardInput(Stdio.Pipe)));
        var before = await File.ReadAllTextAsync($"/proc/{c.Pid}/cgroup");
        await c.StandardInput!.WriteLineAsync("go");
        await c.StandardInput.FlushAsync();
        var output = await c.StandardOutput!.ReadLineAsync();
        var after = await File.ReadAllTextAsync($"/proc/{c.Pid}/cgroup");
        c.StandardInput.Close();
        var rest = await c.StandardOutput.ReadToEndAsync();
        var errors = await c.StandardError!.ReadToEndAsync();
        await c.WaitForExitAsync();
        TestContext.Out.WriteLine($"{before}\n{output}\n{rest}{errors}");
        Assert.That(output, Is.EqualTo("done"), errors);
        Assert.That(after, Is.EqualTo(before), "the container's process moved");
        Assert.That(before, Does.Contain(c.Id), "the container had a cgroup of its own to leave");
    }

    [Test]
    public async Task A_default_container_with_a_cgroup_cannot_move_itself_out()
    {
        using var rootfs = TestRootfs.Create();
        await AssertStaysInItsCgroup(ContainerSpec.FromRootfs(rootfs.Path).WithCgroup(c => c.PidsMax(16).MemoryMax(64 << 20)));
    }

    [Test]
    public async Task A_container_from_runcs_default_config_with_the_cgroup_tree_mounted_cannot_move_itself_out()
    {
        using var rootfs = TestRootfs.Create();
        await AssertStaysInItsCgroup(Attack.RuncDefault(rootfs, "true").WithCgroup(c => c.PidsMax(16).MemoryMax(64 << 20)));
    }
}
