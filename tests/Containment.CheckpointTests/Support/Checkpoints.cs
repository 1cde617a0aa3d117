using Containment.Cgroups;

namespace Containment.CheckpointTests.Support;

/// <summary>The containers the tests checkpoint, and what a test checks the host for afterwards.</summary>
public static class Checkpoints
{
    /// <summary>Generous: .NET, CRIU and every syscall run 15–20× slower under emulation.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    /// <summary>Prints 1, 2, 3… a line every 100 ms, forever.</summary>
    public const string CountScript = "i=0; while :; do i=$((i+1)); echo $i; sleep 0.1; done";

    public static ContainerSpec Counting(Rootfs rootfs, string script = CountScript) =>
        ContainerSpec.FromRootfs(rootfs.Path)
            .WithHostname("ckpt")
            .WithCgroup(c => c.PidsMax(64).MemoryMax(128 * ByteSize.MiB))
            .WithProcess(p => p.Args("/bin/sh", "-c", script));

    /// <summary>
    /// Starts <paramref name="spec"/> as <paramref name="id"/>, lets it count to <paramref name="count"/>, runs
    /// <paramref name="checkpoint"/> (which must end the container: a checkpoint without LeaveRunning does) and waits
    /// for the exit; returns the exit and every number the container printed.
    /// </summary>
    public static async Task<(ContainerExit Exit, List<long> Numbers)> CountThenCheckpointAsync(ContainerSpec spec, string id, int count,
        Func<ContainerProcess, Counter, Task> checkpoint, CancellationToken cancellationToken)
    {
        await using var container = await ContainerProcess.StartAsync(spec, new ContainerStartOptions { Id = id }, cancellationToken);
        var counter = new Counter(container.StandardOutput!);
        await counter.WaitForAsync(count);
        await checkpoint(container, counter);
        var exit = await container.WaitForExitAsync(cancellationToken);
        await counter.Completion;
        return (exit, [.. counter.Numbers]);
    }

    public static string NewImageDir() => Directory.CreateTempSubdirectory("containment-criu-images-").FullName;

    /// <summary>Mounts of this process that a restore may have left (its bind of the rootfs).</summary>
    public static IReadOnlyList<string> LeftMounts() =>
        File.ReadLines("/proc/self/mountinfo").Where(l => l.Contains("containment-criu-", StringComparison.Ordinal)).ToList();

    /// <summary>The cgroup directories named for <paramref name="id"/> anywhere under /sys/fs/cgroup.</summary>
    public static IReadOnlyList<string> CgroupsOf(string id) =>
        Directory.EnumerateDirectories("/sys/fs/cgroup", id, new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 4, IgnoreInaccessible = true }).ToList();

    /// <summary>This process's children (a restored tree is one, through CRIU's rst_sibling).</summary>
    public static IReadOnlyList<int> Children()
    {
        return Directory.EnumerateDirectories("/proc/self/task")
            .SelectMany(t => File.ReadAllText(Path.Combine(t, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(int.Parse).ToList();
    }
}
