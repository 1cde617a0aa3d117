using Containment.CriTests.Cri;
using Containment.IntegrationTests.Support;

namespace Containment.CriTests;

/// <summary>
/// Pods on the pod network (NamespaceOption.network = POD): containerd makes each sandbox a network namespace and
/// CNI puts it on the node's bridge (in containerd's own network namespace); the containers join the sandbox's.
/// </summary>
public class NetworkTests(string handler) : CriTest(handler)
{
    private const string Sleeps = "trap '' TERM; while :; do sleep 1; done";

    [Test]
    public async Task Pods_on_the_pod_network_have_their_own_namespace_address_and_hostname_and_reach_each_other()
    {
        if (!File.Exists(Path.Combine(PrivateContainerd.CniPlugins, "bridge")))
            Assert.Ignore($"no CNI plugins in {PrivateContainerd.CniPlugins} (scripts/install-test-deps.sh installs containernetworking-plugins)");
        var server = await Pod.RunAsync(Handler, network: NamespaceMode.Pod);
        var client = await Pod.RunAsync(Handler, network: NamespaceMode.Pod);
        var serverIp = (await server.SandboxStatusAsync()).Network.Ip;
        Assert.That(serverIp, Does.StartWith("10.88.77."), "an address from the pod subnet");
        var first = await server.RunAsync("first", Sleeps);
        var second = await server.RunAsync("second", Sleeps);
        var other = await client.RunAsync("other", Sleeps);

        var node = ProcScan.Namespace(Node.Containerd.Pid, "net");
        var (firstNet, secondNet, otherNet) = (await NetOf(server, first), await NetOf(server, second), await NetOf(client, other));
        Assert.That(firstNet, Is.EqualTo(secondNet).And.Not.EqualTo(node).And.Not.EqualTo(otherNet), "one network namespace per pod, shared by its containers");
        Assert.That((await server.ExecAsync(first, "ip", "-4", "-o", "addr", "show", "eth0")).Stdout, Does.Contain($"inet {serverIp}/24"));
        Assert.That(await server.ExecAsync(second, "hostname"), Is.EqualTo((0, server.Config.Hostname + "\n", "")), "the pod's own UTS namespace");
        var (code, stdout, stderr) = await client.ExecAsync(other, "ping", "-c", "1", "-W", "5", serverIp);
        Assert.That(code, Is.Zero, stdout + stderr);

        Assert.That(await server.RemoveAsync(Handler), Is.Empty, "left behind");
        Assert.That(await client.RemoveAsync(Handler), Is.Empty, "left behind");
    }

    private static async Task<string> NetOf(Pod pod, string container)
    {
        var (code, stdout, stderr) = await pod.ExecAsync(container, "readlink", "/proc/self/ns/net");
        Assert.That(code, Is.Zero, stderr);
        return stdout.Trim();
    }
}
