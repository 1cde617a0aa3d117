using Containment.IntegrationTests.Support;

namespace Containment.IntegrationTests.Embedding;

/// <summary>Issue 15, trap 4: the default standard streams never stall a caller who reads nothing, or only one of them.</summary>
public class StdioDefaultTests
{
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(30);

    [Test]
    public async Task A_caller_who_reads_only_stdout_is_not_stalled_by_200_KB_on_stderr()
    {
        using var cts = new CancellationTokenSource(Hang);
        await using var c = await ContainerProcess.StartAsync(ContainerSpec.HostReadOnly()
            .WithProcess(p => p.Args("/bin/sh", "-c", "head -c 200000 /dev/zero >&2; echo done")), cts.Token);
        var output = await c.StandardOutput!.ReadToEndAsync(cts.Token);
        var exit = await c.WaitForExitAsync(cts.Token);
        Assert.That((output, exit.ExitCode), Is.EqualTo(("done\n", (int?)0)));
    }

    [Test]
    public async Task A_caller_who_reads_nothing_is_not_stalled()
    {
        using var cts = new CancellationTokenSource(Hang);
        await using var c = await ContainerProcess.StartAsync(ContainerSpec.HostReadOnly()
            .WithProcess(p => p.Args("/bin/sh", "-c", "head -c 200000 /dev/zero; head -c 200000 /dev/zero >&2; exit 4")), cts.Token);
        var exit = await c.WaitForExitAsync(cts.Token);
        Assert.That(exit.ExitCode, Is.EqualTo(4));
    }

    [Test]
    public async Task Output_nobody_read_is_kept_up_to_the_limit_and_the_rest_dropped()
    {
        using var cts = new CancellationTokenSource(Hang);
        var options = new ContainerStartOptions { UnreadOutputLimit = 1 << 20 };
        await using var c = await ContainerProcess.StartAsync(ContainerSpec.HostReadOnly()
            .WithProcess(p => p.Args("/bin/sh", "-c", "head -c 3000000 /dev/zero | tr '\\0' x")), options, cts.Token);
        await c.WaitForExitAsync(cts.Token);
        var kept = await c.StandardOutput!.ReadToEndAsync(cts.Token);
        Assert.That(kept.Length, Is.InRange(1 << 20, (1 << 20) + 64 * 1024));
    }

    [Test]
    public async Task A_caller_who_reads_as_it_goes_gets_every_byte_of_a_large_output()
    {
        using var cts = new CancellationTokenSource(Hang);
        var options = new ContainerStartOptions { UnreadOutputLimit = 64 * 1024 };
        await using var c = await ContainerProcess.StartAsync(ContainerSpec.HostReadOnly()
            .WithProcess(p => p.Args("/bin/sh", "-c", "head -c 8000000 /dev/zero | tr '\\0' x")), options, cts.Token);
        var read = 0L;
        var buffer = new char[4096];
        int n;
        while ((n = await c.StandardOutput!.ReadAsync(buffer, cts.Token)) > 0)
        {
            read += n;
            if (read % (1 << 20) < 4096)
                await Task.Delay(5, cts.Token); // a slow reader: the container waits for it, nothing is lost
        }
        Assert.That(read, Is.EqualTo(8_000_000));
        Assert.That((await c.WaitForExitAsync(cts.Token)).ExitCode, Is.EqualTo(0));
    }
}
