using System.Net;
using System.Net.Sockets;
using System.Text;
using Containment.IntegrationTests.Support;
using Containment.Networking;

namespace Containment.IntegrationTests.Networking;

/// <summary>
/// Containers on CNI networks, with the real plugins of /usr/lib/cni. Every test makes its own network namespace to play
/// the host (<see cref="TestHostNetwork"/>): no interface, route or rule is ever made in the machine's own.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class CniNetworkTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static ContainerSpec Shell(CniNetwork network, string script) =>
        ContainerSpec.HostReadOnly().WithNetwork(network).WithProcess(p => p.Args("/bin/sh", "-c", script));

    [Test]
    public async Task A_container_on_a_bridge_reaches_a_tcp_server_in_the_hosts_namespace()
    {
        using var host = TestHostNetwork.Create();
        using var listener = host.Listen(7000);
        using var cts = new CancellationTokenSource(Timeout);

        await using var c = await ContainerProcess.StartAsync(Shell(host.Bridge(), $"echo hello from the container | busybox nc {TestHostNetwork.Gateway} 7000"), cts.Token);
        string? text;
        IPEndPoint peer;
        using (var client = await listener.AcceptTcpClientAsync(cts.Token))
        {
            text = await new StreamReader(client.GetStream()).ReadLineAsync(cts.Token);
            peer = (IPEndPoint)client.Client.RemoteEndPoint!;
        }

        Assert.That(text, Is.EqualTo("hello from the container"));
        var address = c.Network!.Result.Addresses.Single();
        Assert.That(address.ToString(), Does.StartWith("10.231.0."));
        Assert.That(peer.Address, Is.EqualTo(address), "the connection comes from the container's address");
        Assert.That((await c.WaitForExitAsync(cts.Token)).ExitCode, Is.EqualTo(0));
    }

    [Test]
    public async Task A_server_in_the_container_is_reached_through_a_published_port()
    {
        using var host = TestHostNetwork.Create();
        using var cts = new CancellationTokenSource(Timeout);
        var network = host.Bridge().WithPortMapping(8080, 80);

        await using var c = await ContainerProcess.StartAsync(Shell(network, "while true; do echo served | busybox nc -l -p 80; done"), cts.Token);
        var reply = await host.ReadFromAsync(new IPEndPoint(TestHostNetwork.Gateway, 8080), cts.Token);

        Assert.That(reply, Is.EqualTo("served\n"));
        Assert.That(host.Rules(), Does.Contain("--dport 8080").And.Contain($"{c.Network!.Result.Addresses.Single()}:80"));
    }

    [Test]
    public async Task Two_containers_on_one_bridge_reach_each_other()
    {
        using var host = TestHostNetwork.Create();
        using var cts = new CancellationTokenSource(Timeout);
        var network = host.Bridge();

        await using var server = await ContainerProcess.StartAsync(Shell(network, "echo pong | busybox nc -l -p 90"), cts.Token);
        var address = server.Network!.Result.Addresses.Single();
        await using var client = await ContainerProcess.StartAsync(
            Shell(network, $"for i in $(seq 100); do busybox nc {address} 90 && exit 0; sleep 0.1; done; exit 1"), cts.Token);
        var output = await client.StandardOutput!.ReadToEndAsync(cts.Token);

        Assert.That(output, Is.EqualTo("pong\n"));
        await server.Network.CheckAsync(cts.Token);
        Assert.That(client.Network!.Result.Addresses.Single(), Is.Not.EqualTo(address));
    }

    [Test]
    public async Task Del_on_dispose_leaves_no_veth_no_lease_and_no_rule()
    {
        using var host = TestHostNetwork.Create();
        using var cts = new CancellationTokenSource(Timeout);
        var c = await ContainerProcess.StartAsync(Shell(host.Bridge().WithPortMapping(8081, 81), "sleep 60"), cts.Token);
        Assert.That(host.Veths().Length, Is.EqualTo(1));
        Assert.That(host.Leases(), Has.Length.EqualTo(1));
        Assert.That(host.Rules(), Does.Contain("CNI-DN-"));

        await c.DisposeAsync();

        Assert.That(host.Veths(), Is.Empty);
        Assert.That(host.Leases(), Is.Empty);
        Assert.That(host.Rules(), Does.Not.Contain("CNI-DN-").And.Not.Contain("8081"));
        Assert.ThrowsAsync<ObjectDisposedException>(() => c.Network!.CheckAsync());
    }

    [Test]
    public async Task Add_failing_half_way_leaves_nothing_and_names_the_plugins_error()
    {
        using var host = TestHostNetwork.Create();
        var plugins = Directory.CreateTempSubdirectory("containment-cni-plugins-").FullName;
        try
        {
            // A plugin after bridge that fails ADD with a CNI error (and succeeds DEL, as the spec asks of every plugin).
            File.WriteAllText(Path.Combine(plugins, "failing"), """
                #!/bin/sh
                cat >/dev/null
                [ "$CNI_COMMAND" = DEL ] && exit 0
                echo '{"cniVersion":"1.0.0","code":7,"msg":"refused on purpose","details":"test"}'
                exit 1
                """);
            File.SetUnixFileMode(Path.Combine(plugins, "failing"), (UnixFileMode)0b111_101_101);
            var bridge = host.Bridge();
            var conflist = $$"""{"cniVersion":"1.0.0","name":"testnet","plugins":[{{bridge.Plugins[0]}},{"type":"failing"}]}""";
            var network = CniNetwork.FromJson(conflist).WithPluginDirectories(plugins, "/usr/lib/cni").WithPluginNetworkNamespace(host.Path);
            var children = HostSnapshot.ChildPids();

            var e = Assert.ThrowsAsync<CniException>(() => ContainerProcess.StartAsync(Shell(network, "sleep 60")));

            Assert.That((e!.Plugin, e.Command, e.Code, e.CniMessage), Is.EqualTo(("failing", "ADD", 7u, "refused on purpose")));
            Assert.That(host.Veths(), Is.Empty);
            Assert.That(host.Leases(), Is.Empty);
            // The executor of the failed start is reaped in the background: wait for it, then nothing of the start is left.
            Assert.That(HostSnapshot.ChildPids, Is.EqualTo(children).After(10_000, 50));
        }
        finally
        {
            Directory.Delete(plugins, recursive: true);
        }
    }

    [Test]
    public async Task A_process_execd_into_the_container_is_on_its_network_and_does_not_join_it_again()
    {
        using var host = TestHostNetwork.Create();
        using var cts = new CancellationTokenSource(Timeout);
        await using var c = await ContainerProcess.StartAsync(Shell(host.Bridge(), "sleep 60"), cts.Token);

        await using var exec = await c.ExecAsync(p => p.Args("/bin/sh", "-c", "cat /proc/net/fib_trie"), cancellationToken: cts.Token);
        var routes = await exec.StandardOutput!.ReadToEndAsync(cts.Token);
        await exec.WaitForExitAsync(cts.Token);

        Assert.That(routes, Does.Contain(c.Network!.Result.Addresses.Single().ToString()));
        Assert.That(exec.Network, Is.Null);
        Assert.That(host.Leases(), Has.Length.EqualTo(1));
    }

    [Test]
    public void A_start_failing_after_add_runs_del()
    {
        using var host = TestHostNetwork.Create();
        var options = new ContainerStartOptions { BeforePivotRoot = (_, _) => throw new InvalidOperationException("the caller's hook failed") };

        var e = Assert.ThrowsAsync<InvalidOperationException>(() => ContainerProcess.StartAsync(Shell(host.Bridge().WithPortMapping(8083, 83), "sleep 60"), options));

        Assert.That(e!.Message, Is.EqualTo("the caller's hook failed"));
        Assert.That(host.Veths(), Is.Empty);
        Assert.That(host.Leases(), Is.Empty);
        Assert.That(host.Rules(), Does.Not.Contain("CNI-DN-"));
    }

    [Test]
    public async Task Containers_started_concurrently_on_one_bridge_get_distinct_addresses()
    {
        const int count = 50;
        using var host = TestHostNetwork.Create();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var network = host.Bridge();
        var containers = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => ContainerProcess.StartAsync(Shell(network, "sleep 120"), cts.Token)));
        try
        {
            var addresses = containers.Select(c => c.Network!.Result.Addresses.Single()).ToList();
            Assert.That(addresses.Distinct().Count(), Is.EqualTo(count));
            Assert.That(host.Leases(), Has.Length.EqualTo(count));
        }
        finally
        {
            await Task.WhenAll(containers.Select(c => c.DisposeAsync().AsTask()));
        }
        Assert.That(host.Leases(), Is.Empty);
        Assert.That(host.Veths(), Is.Empty);
    }

    [Test]
    public async Task Lease_gc_collects_the_leases_of_gone_containers_and_keeps_live_ones()
    {
        using var host = TestHostNetwork.Create();
        using var cts = new CancellationTokenSource(Timeout);
        var network = host.Bridge();
        await using var live = await ContainerProcess.StartAsync(Shell(network, "sleep 60"), cts.Token);
        // A host that died before DEL: the plugins ran ADD, nobody runs DEL, the namespace is gone.
        var deadId = "dead-" + Guid.NewGuid().ToString("N")[..8];
        using (var dead = TestHostNetwork.Create())
            await CniRunner.AddAsync(network, deadId, dead.Path, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, cts.Token);
        Directory.CreateDirectory($"/run/containment/network/{deadId}"); // its /etc/hosts and co, left too
        Assert.That(host.Leases(), Has.Length.EqualTo(2));

        var collected = await CniLeases.CollectAsync(network, id => id == live.Id, cancellationToken: cts.Token);

        Assert.That(collected, Is.EqualTo(new[] { deadId }));
        Assert.That(host.Leases(), Has.Length.EqualTo(1));
        Assert.That(CniLeases.List(network).Single().ContainerId, Is.EqualTo(live.Id));
        Assert.That(Directory.Exists($"/run/containment/network/{deadId}"), Is.False);
        Assert.That(Directory.Exists($"/run/containment/network/{live.Id}"));
    }

    [Test]
    public async Task Lease_gc_never_collects_a_container_this_process_runs_whatever_isLive_says()
    {
        using var host = TestHostNetwork.Create();
        using var cts = new CancellationTokenSource(Timeout);
        var network = host.Bridge();
        await using var live = await ContainerProcess.StartAsync(Shell(network, "sleep 60"), cts.Token);

        // A caller whose list of live containers is wrong (stale, another store's): its DEL would free the live address.
        var collected = await CniLeases.CollectAsync(network, _ => false, cancellationToken: cts.Token);

        Assert.That(collected, Is.Empty);
        Assert.That(CniLeases.List(network).Single().ContainerId, Is.EqualTo(live.Id));
        Assert.That(Directory.Exists($"/run/containment/network/{live.Id}"), "its /etc/hosts and co stay");
    }

    [Test]
    public async Task The_containers_etc_hosts_and_hostname_follow_its_address_and_go_with_it()
    {
        using var host = TestHostNetwork.Create();
        using var cts = new CancellationTokenSource(Timeout);
        var spec = Shell(host.Bridge(), "cat /etc/hostname /etc/hosts; grep -c nameserver /etc/resolv.conf; echo x > /etc/hosts || echo read-only")
            .WithHostname("web");

        var c = await ContainerProcess.StartAsync(spec, cts.Token);
        var output = await c.StandardOutput!.ReadToEndAsync(cts.Token);
        var files = $"/run/containment/network/{c.Id}";
        Assert.That(Directory.Exists(files));
        await c.DisposeAsync();

        Assert.That(output, Does.StartWith("web\n").And.Contain($"{c.Network!.Result.Addresses.Single()}\tweb\n").And.EndWith("read-only\n"));
        Assert.That(Directory.Exists(files), Is.False);
    }
}
