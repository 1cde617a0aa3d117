using System.Diagnostics;
using Containment.Cgroup2Tests.Support;
using Containment.Cgroups;
using Containment.Mounts;
using static Containment.Cgroup2Tests.Support.PureCgroup2;

namespace Containment.Cgroup2Tests;

/// <summary>io.max throttles a container's writes to a block device; io.stat accounts them (the VM's scratch disk).</summary>
[TestFixture, NonParallelizable]
public class IoTests
{
    private const long Written = 4 * ByteSize.MiB;

    [OneTimeSetUp]
    public void RequirePureCgroup2() => PureCgroup2.Require();

    private static (uint Major, uint Minor) ScratchDisk()
    {
        var dev = Directory.Exists("/sys/block/vda") ? File.ReadAllText("/sys/block/vda/dev").Trim().Split(':') : null;
        if (dev is null)
            Assert.Fail("the VM has no scratch disk /dev/vda (tests/cgroup2-vm/run.sh attaches one)");
        return (uint.Parse(dev![0]), uint.Parse(dev[1]));
    }

    private static async Task<(TimeSpan Elapsed, long WrittenBytes)> WriteDirect(long? bytesPerSecond)
    {
        var (major, minor) = ScratchDisk();
        var spec = Container.Shell($"dd if=/dev/zero of=/dev/vda bs=64k count={Written / (64 * 1024)} oflag=direct 2>&1",
                c => { if (bytesPerSecond is { } rate) c.IoThrottle(major, minor, IoThrottleKind.WriteBytesPerSecond, rate); })
            .WithDevice("/dev/vda", DeviceNodeType.Block, major, minor);
        using var cts = new CancellationTokenSource(Container.Timeout);
        var clock = Stopwatch.StartNew();
        await using var c = await ContainerProcess.StartAsync(spec, cts.Token);
        var output = c.StandardOutput!.ReadToEndAsync(cts.Token);
        var exit = await c.WaitForExitAsync(cts.Token);
        clock.Stop();
        Assert.That(exit.ExitCode, Is.Zero, await output);
        var leaf = c.Cgroup!.Paths[0];
        if (bytesPerSecond is { } limit)
            Assert.That(Read(leaf, "io.max"), Does.Contain($"{major}:{minor} rbps=max wbps={limit}"));
        var line = Read(leaf, "io.stat").Split('\n').Single(l => l.StartsWith($"{major}:{minor} ", StringComparison.Ordinal));
        var wbytes = long.Parse(line.Split(' ').Single(kv => kv.StartsWith("wbytes=", StringComparison.Ordinal))["wbytes=".Length..]);
        return (clock.Elapsed, wbytes);
    }

    [Test]
    public async Task A_write_throttle_slows_direct_writes_and_io_stat_counts_them()
    {
        var free = await WriteDirect(null);
        var throttled = await WriteDirect(ByteSize.MiB);
        Assert.Multiple(() =>
        {
            Assert.That(throttled.WrittenBytes, Is.GreaterThanOrEqualTo(Written), "io.stat counts the bytes written");
            Assert.That(free.WrittenBytes, Is.GreaterThanOrEqualTo(Written));
            // 4 MiB at 1 MiB/s: about 4 s; loose bounds, this is an emulated machine.
            Assert.That(throttled.Elapsed, Is.GreaterThan(TimeSpan.FromSeconds(2)), $"throttled {throttled.Elapsed}, free {free.Elapsed}");
            Assert.That(throttled.Elapsed, Is.GreaterThan(free.Elapsed * 2), $"throttled {throttled.Elapsed}, free {free.Elapsed}");
        });
    }
}
