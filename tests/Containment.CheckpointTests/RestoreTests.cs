using System.Diagnostics;
using Containment.Checkpoint;
using Containment.CheckpointTests.Support;

namespace Containment.CheckpointTests;

/// <summary>A container checkpointed with CRIU and restored carries on where it was: its count, its files, its sockets.</summary>
[NonParallelizable]
public class RestoreTests
{
    [SetUp]
    public void RequireCriu() => Criu.Require();

    [Test]
    public async Task A_restored_counter_resumes_its_count()
    {
        using var rootfs = Rootfs.Create();
        var images = Checkpoints.NewImageDir();
        var id = "ckpt-count-" + Environment.ProcessId;
        using var cts = new CancellationTokenSource(Checkpoints.Timeout);
        try
        {
            var spec = Checkpoints.Counting(rootfs);
            var (exit, before) = await Checkpoints.CountThenCheckpointAsync(spec, id, 5, async (container, _) =>
            {
                var watch = Stopwatch.StartNew();
                await container.CheckpointAsync(new CheckpointOptions { ImagePath = images }, cts.Token);
                TestContext.Out.WriteLine($"checkpoint: {watch.ElapsedMilliseconds} ms");
            }, cts.Token);
            Assert.That(exit.Signal, Is.EqualTo(Signal.Kill), "CRIU stops a container it checkpoints (no LeaveRunning)");
            var restoreWatch = Stopwatch.StartNew();
            await using var restored = await ContainerProcess.RestoreAsync(spec, new RestoreOptions { ImagePath = images }, new ContainerStartOptions { Id = id }, cts.Token);
            TestContext.Out.WriteLine($"restore: {restoreWatch.ElapsedMilliseconds} ms");
            var after = new Counter(restored.StandardOutput!);
            await after.WaitForAsync(3);
            Assert.That(after.Numbers[0], Is.EqualTo(before[^1] + 1), $"before the checkpoint: ...{string.Join(", ", before.TakeLast(3))}; after the restore: {string.Join(", ", after.Numbers.Take(3))}");
            Assert.That(restored.Id, Is.EqualTo(id));
            Assert.That(restored.Cgroup!.GetProcesses(), Does.Contain(restored.Pid), "the restored process is in the container's cgroup");
            var exitAfter = await restored.StopAsync(TimeSpan.Zero, cts.Token);
            Assert.That(exitAfter.Signal, Is.EqualTo(Signal.Kill));
        }
        finally
        {
            Directory.Delete(images, recursive: true);
        }
        Assert.That(Checkpoints.CgroupsOf(id), Is.Empty, "the restored container's cgroup is removed with it");
    }

    [Test]
    public async Task A_pre_dump_then_a_dump_on_top_of_it_restores()
    {
        using var rootfs = Rootfs.Create();
        var images = Checkpoints.NewImageDir();
        var id = "ckpt-pre-" + Environment.ProcessId;
        using var cts = new CancellationTokenSource(Checkpoints.Timeout);
        try
        {
            var spec = Checkpoints.Counting(rootfs);
            var pre = Path.Combine(images, "pre");
            var final = Path.Combine(images, "final");
            var (_, before) = await Checkpoints.CountThenCheckpointAsync(spec, id, 3, async (container, counter) =>
            {
                await container.CheckpointAsync(new CheckpointOptions { ImagePath = pre, PreDump = true }, cts.Token);
                Assert.That(container.HasExited, Is.False, "a pre-dump leaves the container running");
                await counter.WaitForAsync(counter.Numbers.Count + 2);
                await container.CheckpointAsync(new CheckpointOptions { ImagePath = final, ParentPath = "../pre" }, cts.Token);
            }, cts.Token);
            Assert.That(Directory.EnumerateFiles(pre, "pages-*.img"), Is.Not.Empty, "the pre-dump saved the memory");
            await using var restored = await ContainerProcess.RestoreAsync(spec, new RestoreOptions { ImagePath = final }, new ContainerStartOptions { Id = id }, cts.Token);
            var after = new Counter(restored.StandardOutput!);
            await after.WaitForAsync(2);
            Assert.That(after.Numbers[0], Is.EqualTo(before[^1] + 1));
        }
        finally
        {
            Directory.Delete(images, recursive: true);
        }
    }

    [Test]
    public async Task A_container_with_a_device_allow_list_gets_its_dev_back_and_the_list_still_holds()
    {
        using var rootfs = Rootfs.Create();
        var images = Checkpoints.NewImageDir();
        var id = "ckpt-dev-" + Environment.ProcessId;
        using var cts = new CancellationTokenSource(Checkpoints.Timeout);
        try
        {
            // The list a Podman config carries: deny all, then a few nodes. CRIU re-creates the tmpfs /dev's nodes
            // inside the container's cgroup, which must let it mknod them (as a start's does).
            var spec = Checkpoints.Counting(rootfs).WithCgroup(c => c.PidsMax(64).DenyAllDevices().AllowDevice('c', 1, 3));
            var (_, before) = await Checkpoints.CountThenCheckpointAsync(spec, id, 3,
                (container, _) => container.CheckpointAsync(new CheckpointOptions { ImagePath = images }, cts.Token), cts.Token);
            await using var restored = await ContainerProcess.RestoreAsync(spec, new RestoreOptions { ImagePath = images }, new ContainerStartOptions { Id = id }, cts.Token);
            var after = new Counter(restored.StandardOutput!);
            await after.WaitForAsync(2);
            Assert.That(after.Numbers[0], Is.EqualTo(before[^1] + 1));
            // /dev/mem (1:1) is on no list: a node can be made, not opened.
            await using var probe = await restored.ExecAsync(p => p.Args("/bin/sh", "-c",
                "test -c /dev/null && echo null-ok; mknod /tmp/mem c 1 1 && echo made; cat /tmp/mem >/dev/null 2>&1 || echo denied"), cancellationToken: cts.Token);
            var output = await probe.StandardOutput!.ReadToEndAsync(cts.Token);
            await probe.WaitForExitAsync(cts.Token);
            Assert.That(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "null-ok", "made", "denied" }));
        }
        finally
        {
            Directory.Delete(images, recursive: true);
        }
    }
}
