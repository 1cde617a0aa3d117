using Containment.Cgroups;
using Containment.Launch;
using Containment.Oci;

namespace Containment.Tests.Launch;

/// <summary>
/// Which starts may take a prepared cgroup (a random id's directories at the default path, a placeholder in them that
/// clones the child from the host's namespaces): each of these is refused before the machine is looked at.
/// </summary>
public class PreparedCgroupEligibilityTests
{
    private static readonly ContainerSpec Limited = ContainerSpec.FromRootfs("/nonexistent").WithCgroup(c => c.PidsMax(8))
        .WithProcess(p => p.Args("/bin/true"));

    private static readonly ContainerStartOptions Prepare = new() { PrepareCgroups = true };

    /// <summary>Neither a prepared cgroup nor counted as demand for one.</summary>
    private static bool Refused(ContainerSpec spec, ContainerStartOptions options) =>
        PreparedCgroups.TryTake(spec, options, out var eligible) is null && !eligible;

    [Test]
    public void Not_without_the_option() => Assert.That(Refused(Limited, new ContainerStartOptions()), Is.True);

    [Test]
    public void Not_without_a_cgroup() =>
        Assert.That(Refused(ContainerSpec.FromRootfs("/nonexistent").WithProcess(p => p.Args("/bin/true")), Prepare), Is.True);

    [Test]
    public void Not_with_an_id_the_caller_chose() => Assert.That(Refused(Limited, Prepare with { Id = "mine" }), Is.True);

    [Test]
    public void Not_detached() => Assert.That(Refused(Limited, Prepare with { Detached = true }), Is.True);

    [Test]
    public void Not_at_a_given_cgroups_path() => Assert.That(Refused(Limited.WithCgroupsPath("/mine"), Prepare), Is.True);

    [Test]
    public void Not_with_a_pids_limit_the_placeholder_would_exceed() =>
        Assert.That(Refused(Limited.WithCgroup(c => c.PidsMax(1)), Prepare), Is.True);

    [Test]
    public void Not_with_a_user_namespace() =>
        Assert.That(Refused(Limited.WithUserNamespace(u => u.MapCurrentUserToRoot()), Prepare), Is.True);

    [Test]
    public void Not_joining_a_namespace() =>
        Assert.That(Refused(Limited.WithNamespaces(n => n.Join(Namespaces.NamespaceKind.Network, "/proc/1/ns/net")), Prepare), Is.True);

    [Test]
    public void None_is_prepared_on_pure_cgroup_v2()
    {
        var machine = new MachineTopology(new HashSet<int> { 0 }, new HashSet<int> { 0 }, new HashSet<string>());
        var unified = new CgroupManager(new CgroupLayout(CgroupMode.Unified, [],
            new CgroupHierarchy("/sys/fs/cgroup", "/", new HashSet<string> { "memory", "pids" }, true, "/")), machine);
        Assert.That(PreparedCgroups.CanPrepare(unified), Is.False);
    }

    [TestCase("p1234-5678-0123456789ab", 1234, 5678ul)]
    [TestCase("p1-0-ffffffffffff", 1, 0ul)]
    [TestCase("p1234-0123456789ab", null, null)]
    [TestCase("0123456789abcdef", null, null)]
    [TestCase("p1234-5678-0123456789a", null, null)]
    [TestCase("p1234-5678-0123456789AB", null, null)]
    [TestCase("p1234--0123456789ab", null, null)]
    [TestCase("p1234-56x8-0123456789ab", null, null)]
    [TestCase("p-5678-0123456789ab", null, null)]
    [TestCase("px12-5678-0123456789ab", null, null)]
    [TestCase("p0-5678-0123456789ab", null, null)]
    [TestCase("p01-5678-0123456789ab", null, null)]
    public void A_prepared_cgroups_name_tells_its_preparers_pid_and_start_time(string name, int? pid, ulong? start) =>
        Assert.That(PreparedCgroups.PreparerOf(name), Is.EqualTo(pid is { } p ? new ProcessIdentity(p, start!.Value) : (ProcessIdentity?)null));
}
