using Containment.Checkpoint;
using Containment.CheckpointTests.Support;

namespace Containment.CheckpointTests;

/// <summary>Checkpoint variants: leave running, a paused container, a new id, a socket and a file, a failure that leaves nothing.</summary>
[NonParallelizable]
public class CheckpointTests
{
    [SetUp]
    public void RequireCriu() => Criu.Require();

    [Test]
    public async Task Leave_running_keeps_the_container_counting_and_its_images_restore_under_a_new_id()
    {
        using var rootfs = Rootfs.Create();
        var images = Checkpoints.NewImageDir();
        var id = "ckpt-leave-" + Environment.ProcessId;
        var newId = "ckpt-new-" + Environment.ProcessId;
        using var cts = new CancellationTokenSource(Checkpoints.Timeout);
        try
        {
            var spec = Checkpoints.Counting(rootfs);
            long beforeCall, afterCall;
            await using (var container = await ContainerProcess.StartAsync(spec, new ContainerStartOptions { Id = id }, cts.Token))
            {
                var counter = new Counter(container.StandardOutput!);
                await counter.WaitForAsync(3);
                beforeCall = counter.Numbers[^1];
                await container.CheckpointAsync(new CheckpointOptions { ImagePath = images, LeaveRunning = true }, cts.Token);
                // CRIU froze the container somewhere in the call; once it prints on, what it printed up to then has been read.
                await counter.WaitForAsync(counter.Numbers.Count + 3);
                afterCall = counter.Numbers[^1];
                Assert.That(container.HasExited, Is.False, "LeaveRunning: the container runs on");
            }
            await using var restored = await ContainerProcess.RestoreAsync(spec, new RestoreOptions { ImagePath = images }, new ContainerStartOptions { Id = newId }, cts.Token);
            var after = new Counter(restored.StandardOutput!);
            await after.WaitForAsync(2);
            Assert.That(after.Numbers[0], Is.InRange(beforeCall + 1, afterCall + 1), "it resumes from where it was during the checkpoint");
            Assert.That(restored.Id, Is.EqualTo(newId));
            Assert.That(restored.Cgroup!.Paths, Has.All.Contain(newId), "a cgroup named for the new id");
            Assert.That(File.ReadAllText($"/proc/{restored.Pid}/cgroup"), Does.Contain(newId), "the restored process is in it");
            Assert.That(Checkpoints.CgroupsOf(id), Is.Empty, "the first container's cgroup went with it");
        }
        finally
        {
            Directory.Delete(images, recursive: true);
        }
        Assert.That(Checkpoints.CgroupsOf(newId), Is.Empty);
    }

    [Test]
    public async Task A_paused_container_is_checkpointed_frozen_and_restored_running()
    {
        using var rootfs = Rootfs.Create();
        var images = Checkpoints.NewImageDir();
        var id = "ckpt-paused-" + Environment.ProcessId;
        using var cts = new CancellationTokenSource(Checkpoints.Timeout);
        try
        {
            var spec = Checkpoints.Counting(rootfs);
            var (_, before) = await Checkpoints.CountThenCheckpointAsync(spec, id, 3, async (container, _) =>
            {
                await container.Cgroup!.PauseAsync(cts.Token);
                await container.CheckpointAsync(new CheckpointOptions { ImagePath = images }, cts.Token);
            }, cts.Token);
            await using var restored = await ContainerProcess.RestoreAsync(spec, new RestoreOptions { ImagePath = images }, new ContainerStartOptions { Id = id }, cts.Token);
            Assert.That(restored.Cgroup!.IsFrozen, Is.False, "the restored container runs");
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
    public async Task An_open_file_and_a_listening_socket_in_its_own_network_namespace_are_restored()
    {
        using var rootfs = Rootfs.Create();
        var images = Checkpoints.NewImageDir();
        var id = "ckpt-sock-" + Environment.ProcessId;
        using var cts = new CancellationTokenSource(Checkpoints.Timeout);
        // fd 3 stays open on a file in the rootfs; nc listens on 8080 in the container's own network namespace and answers with the hostname.
        const string script = "exec 3>>/tmp/log; nc -ll -p 8080 -e /bin/hostname & i=0; while :; do i=$((i+1)); echo $i >&3; echo $i; sleep 0.1; done";
        try
        {
            var spec = Checkpoints.Counting(rootfs, script);
            await Checkpoints.CountThenCheckpointAsync(spec, id, 3, async (container, _) =>
            {
                Assert.That(await AskAsync(container, cts.Token), Is.EqualTo("ckpt"), "the server answers before the checkpoint");
                await container.CheckpointAsync(new CheckpointOptions { ImagePath = images }, cts.Token);
            }, cts.Token);
            var logged = File.ReadAllLines(Path.Combine(rootfs.Path, "tmp/log")).Length;
            await using var restored = await ContainerProcess.RestoreAsync(spec, new RestoreOptions { ImagePath = images }, new ContainerStartOptions { Id = id }, cts.Token);
            var after = new Counter(restored.StandardOutput!);
            await after.WaitForAsync(3);
            Assert.That(File.ReadAllLines(Path.Combine(rootfs.Path, "tmp/log")), Has.Length.GreaterThan(logged), "the restored shell writes on through its fd 3");
            // busybox nc listens on the IPv6 wildcard (which takes IPv4 too): tcp6, or tcp on a kernel without IPv6.
            var sockets = File.ReadAllText($"/proc/{restored.Pid}/net/tcp") + File.ReadAllText($"/proc/{restored.Pid}/net/tcp6");
            Assert.That(sockets, Does.Match(":1F90 0+:0000 0A"), "a socket listens on 8080 in the restored network namespace");
            Assert.That(await AskAsync(restored, cts.Token), Is.EqualTo("ckpt"), "and the restored server answers");
        }
        finally
        {
            Directory.Delete(images, recursive: true);
        }
    }

    [Test]
    public async Task A_failed_restore_leaves_no_process_cgroup_or_mount()
    {
        using var rootfs = Rootfs.Create();
        var images = Checkpoints.NewImageDir();
        var id = "ckpt-bad-" + Environment.ProcessId;
        using var cts = new CancellationTokenSource(Checkpoints.Timeout);
        try
        {
            File.WriteAllText(Path.Combine(images, "inventory.img"), "not a CRIU image");
            var children = Checkpoints.Children();
            var e = Assert.ThrowsAsync<CheckpointException>(() =>
                ContainerProcess.RestoreAsync(Checkpoints.Counting(rootfs), new RestoreOptions { ImagePath = images }, new ContainerStartOptions { Id = id }, cts.Token));
            TestContext.Out.WriteLine(e!.Message);
            Assert.That(e.LogTail, Is.Not.Null.And.Not.Empty, "CRIU's log says why");
            Assert.That(Checkpoints.CgroupsOf(id), Is.Empty, "no cgroup");
            Assert.That(Checkpoints.LeftMounts(), Is.Empty, "no mount");
            Assert.That(Checkpoints.Children(), Is.EquivalentTo(children), "no process");
        }
        finally
        {
            Directory.Delete(images, recursive: true);
        }
    }

    /// <summary>Connects to the container's server from inside it (an exec in its network namespace) and returns the answer.</summary>
    private static async Task<string> AskAsync(ContainerProcess container, CancellationToken cancellationToken)
    {
        await using var client = await container.ExecAsync(p => p.Args("/bin/nc", "127.0.0.1", "8080"), cancellationToken: cancellationToken);
        var answer = await client.StandardOutput!.ReadToEndAsync(cancellationToken);
        await client.WaitForExitAsync(cancellationToken);
        return answer.Trim();
    }
}
