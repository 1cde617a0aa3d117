using Containment.IntegrationTests.Support;
using Containment.Namespaces;

namespace Containment.IntegrationTests.Launch;

public class NamespaceJoinTests
{
    [Test]
    public async Task Joining_an_existing_network_namespace_by_path_puts_the_container_in_it()
    {
        await using var first = await ContainerProcess.StartAsync(ContainerSpec.HostReadOnly().WithProcess(p => p.Args("sleep", "60")));
        var nsPath = $"/proc/{first.Pid}/ns/net";
        var expected = new FileInfo(nsPath).LinkTarget!;

        var r = await Run.Shell("readlink /proc/self/ns/net", s => s.WithNamespaces(n => n.Join(NamespaceKind.Network, nsPath)));
        Assert.That(r.Stdout.Trim(), Is.EqualTo(expected));
        Assert.That(expected, Is.Not.EqualTo(new FileInfo("/proc/self/ns/net").LinkTarget!));
    }

    [Test]
    public async Task Joining_an_existing_uts_namespace_shares_its_hostname()
    {
        await using var first = await ContainerProcess.StartAsync(ContainerSpec.HostReadOnly().WithHostname("shared-uts").WithProcess(p => p.Args("sleep", "60")));
        var r = await Run.Shell("hostname", s => s.WithNamespaces(n => n.Join(NamespaceKind.Uts, $"/proc/{first.Pid}/ns/uts")));
        Assert.That(r.Stdout.Trim(), Is.EqualTo("shared-uts"));
    }

    [Test]
    public void A_namespace_path_of_the_wrong_type_is_rejected_before_start()
    {
        var before = HostSnapshot.ChildPids();
        var spec = ContainerSpec.HostReadOnly().WithNamespaces(n => n.Join(NamespaceKind.Network, "/proc/self/ns/uts"))
            .WithProcess(p => p.Args("true"));
        var e = Assert.ThrowsAsync<ContainerSpecException>(() => ContainerProcess.StartAsync(spec));
        Assert.That(e!.Errors.Single().Field, Is.EqualTo("namespaces.network"));
        Assert.That(e.Message, Does.Contain("is a uts namespace, not a network namespace"));
        Assert.That(HostSnapshot.ChildPids(), Is.EqualTo(before));
    }

    [Test]
    public void A_path_that_is_not_a_namespace_is_rejected_before_start()
    {
        var spec = ContainerSpec.HostReadOnly().WithNamespaces(n => n.Join(NamespaceKind.Ipc, "/etc/hostname"))
            .WithProcess(p => p.Args("true"));
        var e = Assert.ThrowsAsync<ContainerSpecException>(() => ContainerProcess.StartAsync(spec));
        Assert.That(e!.Message, Does.Contain("namespaces.ipc: '/etc/hostname' is not a namespace file"));
    }
}
