using Containment.IntegrationTests.Support;

namespace Containment.IntegrationTests.Escapes;

/// <summary>
/// A start on a CNI network that fails after ADD, at a step the container's config decides (its program, its working
/// directory), or that its caller cancels: no veth, lease, portmap rule or network file may stay on the host.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class NetworkCleanupTests
{
    [TestCase("/nonexistent/program", "/")]
    [TestCase("/bin/true", "/nonexistent/directory")]
    public void A_start_failing_at_exec_or_chdir_after_add_leaves_nothing(string program, string cwd)
    {
        using var host = TestHostNetwork.Create();
        var id = "netfail-" + Guid.NewGuid().ToString("N")[..8];
        var spec = ContainerSpec.HostReadOnly().WithNetwork(host.Bridge().WithPortMapping(8087, 87))
            .WithProcess(p => p.Args(program).WorkingDirectory(cwd));

        Assert.ThrowsAsync<ContainerStartException>(() => ContainerProcess.StartAsync(spec, new ContainerStartOptions { Id = id }));

        Assert.That(host.Veths(), Is.Empty);
        Assert.That(host.Leases(), Is.Empty);
        Assert.That(host.Rules(), Does.Not.Contain("CNI-DN-"));
        Assert.That(Directory.Exists($"/run/containment/network/{id}"), Is.False);
    }

    [Test]
    public async Task A_start_cancelled_while_its_plugins_run_leaves_nothing()
    {
        // Cancel at several points of the start: before, during and after ADD. A host of its own each time: the bridge
        // plugin (1.1.1) cannot reuse a bridge an interrupted ADD made without a port ("could not set bridge's mac",
        // containernetworking/plugins#620).
        foreach (var delay in new[] { 0, 5, 20, 50, 100 })
        {
            using var host = TestHostNetwork.Create();
            var spec = ContainerSpec.HostReadOnly().WithNetwork(host.Bridge().WithPortMapping(8088, 88)).WithProcess(p => p.Args("/bin/sleep", "60"));
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(delay));
            try
            {
                await using var c = await ContainerProcess.StartAsync(spec, cts.Token);
            }
            catch (OperationCanceledException)
            {
            }
            Assert.That(host.Veths(), Is.Empty, $"cancelled after {delay} ms");
            Assert.That(host.Leases(), Is.Empty, $"cancelled after {delay} ms");
            Assert.That(host.Rules(), Does.Not.Contain("CNI-DN-"), $"cancelled after {delay} ms");
        }
    }
}
