using Containment.Identity;
using Containment.Namespaces;

namespace Containment.Tests.Identity;

public class SysctlTests
{
    private static List<string> Errors(string key, NamespaceSet ns, string value = "1") =>
        Sysctls.Validate(key, value, ns).Select(e => $"{e.Field}: {e.Message}").ToList();

    [TestCase("net.ipv4.ip_forward", NamespaceKind.Network)]
    [TestCase("net/ipv4/conf/all/rp_filter", NamespaceKind.Network)]
    [TestCase("kernel.shmmax", NamespaceKind.Ipc)]
    [TestCase("kernel.shm_rmid_forced", NamespaceKind.Ipc)]
    [TestCase("kernel.sem", NamespaceKind.Ipc)]
    [TestCase("kernel.msgmnb", NamespaceKind.Ipc)]
    [TestCase("fs.mqueue.msg_max", NamespaceKind.Ipc)]
    [TestCase("kernel.hostname", NamespaceKind.Uts)]
    [TestCase("kernel.domainname", NamespaceKind.Uts)]
    public void A_namespaced_sysctl_belongs_to_its_namespace(string key, NamespaceKind kind)
    {
        Assert.That(Sysctls.NamespaceOf(key), Is.EqualTo(kind));
        Assert.That(Errors(key, NamespaceSet.Isolated), Is.Empty);
        Assert.That(Errors(key, NamespaceSet.Isolated.Join(kind, "/proc/1/ns/x")), Is.Empty, "a joined namespace is the container's too");
        Assert.That(Errors(key, NamespaceSet.Isolated.Without(kind)), Has.Count.EqualTo(1).And.Some.Contains("it shares the host's"));
    }

    [TestCase("net.ipv4.ip_forward", NamespaceKind.Network)]
    [TestCase("kernel.shmmax", NamespaceKind.Ipc)]
    [TestCase("kernel.hostname", NamespaceKind.Uts)]
    public void A_sysctl_of_a_joined_namespace_that_is_the_hosts_is_refused(string key, NamespaceKind kind)
    {
        // The caller's own namespace under another name: a start would change the host's value.
        var path = $"/proc/self/ns/{NamespaceFlags.ProcName(kind)}";
        Assert.That(Errors(key, NamespaceSet.Isolated.Join(kind, path)), Is.EqualTo(new[]
        {
            $"sysctl[{key}]: the {NamespaceFlags.ProcName(kind)} namespace it joins ({path}) is the host's: setting it would change the host",
        }));
        var spec = ContainerSpec.FromRootfs("/srv/rootfs").WithNamespaces(NamespaceSet.Isolated.Join(kind, path)).WithSysctl(key, "1");
        Assert.That(spec.Validate().Select(e => e.Field), Does.Contain($"sysctl[{key}]"));
    }

    [TestCase("vm.swappiness")]
    [TestCase("kernel.pid_max")]
    [TestCase("fs.file-max")]
    [TestCase("kernel.shmmaxx")]
    [TestCase("kernel.core_pattern")]
    public void A_system_wide_sysctl_is_refused(string key)
    {
        Assert.That(Errors(key, NamespaceSet.Isolated), Is.EqualTo(new[] { $"sysctl[{key}]: is not namespaced: setting it would change the host" }));
    }

    [TestCase("net..ipv4")]
    [TestCase("net/../../etc")]
    [TestCase("")]
    [TestCase("net.ipv4 x")]
    public void A_name_that_is_not_a_sysctl_is_refused(string key)
    {
        Assert.That(Errors(key, NamespaceSet.Isolated), Is.EqualTo(new[] { $"sysctl[{key}]: is not a sysctl name" }));
    }

    [Test]
    public void The_proc_path_uses_slashes_and_a_value_cannot_hold_NUL()
    {
        Assert.That(Sysctls.ProcPath("net.ipv4.ip_forward"), Is.EqualTo("/proc/sys/net/ipv4/ip_forward"));
        Assert.That(Sysctls.ProcPath("net/ipv4/ip_forward"), Is.EqualTo("/proc/sys/net/ipv4/ip_forward"));
        Assert.That(Errors("net.ipv4.ip_forward", NamespaceSet.Isolated, "1\0"), Is.EqualTo(new[] { "sysctl[net.ipv4.ip_forward]: the value contains NUL" }));
    }
}
