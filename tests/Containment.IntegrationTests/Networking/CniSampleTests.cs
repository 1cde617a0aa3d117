using System.Net;
using Containment.IntegrationTests.Samples;
using Containment.IntegrationTests.Support;

namespace Containment.IntegrationTests.Networking;

/// <summary><c>containment-run --network bridge --publish</c>, its plugins in a test namespace playing the host.</summary>
public class CniSampleTests
{
    [Test]
    public async Task The_sample_publishes_a_port_of_a_container_on_a_bridge_and_cleans_up_after_it()
    {
        using var host = TestHostNetwork.Create();
        var gateway = IPAddress.Parse("10.232.0.1");
        var run = RunSampleTests.RunSample("--network", "bridge:10.232.0.0/24", "--publish", "8082:80", "--network-plugin-ns", host.Path,
            "--network-data-dir", host.DataDir, "--", "/bin/sh", "-c", "echo served | busybox nc -l -p 80; cat /etc/hosts");

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var read = host.ReadFromAsync(new IPEndPoint(gateway, 8082), cts.Token);
        if (await Task.WhenAny(read, run) != read)
        {
            await cts.CancelAsync();
            Assert.Fail($"the sample ended (exit {(await run).ExitCode}) before its port answered: {(await run).Stderr}");
        }
        var reply = await read;
        var (code, stdout, stderr) = await run;

        Assert.That((code, reply), Is.EqualTo((0, "served\n")), stderr);
        Assert.That(stderr, Does.Match(@"network containment: 10\.232\.0\.\d+/24"));
        Assert.That(stdout, Does.Match(@"10\.232\.0\.\d+\t"));
        Assert.That(host.Leases("containment"), Is.Empty);
        Assert.That(host.Veths(), Is.Empty);
    }

    [Test]
    public async Task Publish_without_a_network_is_refused()
    {
        var (code, _, stderr) = await RunSampleTests.RunSample("--publish", "8080:80", "--", "true");
        Assert.That(code, Is.EqualTo(2), stderr);
        Assert.That(stderr, Does.Contain("--publish, --network-plugin-ns and --network-data-dir need --network bridge"));
    }
}
