using Containment.Namespaces;
using Containment.Oci;

namespace Containment.Tests.Oci;

/// <summary>
/// Golden configs as other tools write them (Oci/Data/wild, written by hand after what those tools generate): each
/// converts without a refusal, with exactly the warnings listed. The integration test OciWildConfigRunTests runs them.
/// </summary>
public class OciWildConfigTests
{
    private const string Bundle = "/run/bundles/wild";
    private static readonly OciHostFeatures Host = new(NetCls: false, NetPrio: false, BlkioLeafWeight: false);

    /// <summary>What helper "ocirt" implements in parallel: refused by the converter until it lands, applied after.</summary>
    private static readonly string[] LsmFields = ["process.apparmorProfile", "process.selinuxLabel", "linux.mountLabel"];

    internal static OciConfig Load(string name) => OciConfig.Load(Path.Combine(OciTestData.Directory(), "wild", name));

    private static (ContainerSpec? Spec, List<SpecError> Errors, List<SpecError> Warnings) Convert(OciConfig config)
    {
        var warnings = new List<SpecError>();
        try
        {
            return (OciSpecConverter.Convert(config, Bundle, Host, warnings), [], warnings);
        }
        catch (ContainerSpecException e)
        {
            return (null, [.. e.Errors], warnings);
        }
    }

    [Test]
    public void Docker_19_03_with_its_old_default_seccomp_profile_and_a_kernel_memory_limit()
    {
        var (spec, errors, warnings) = Convert(Load("docker-19.03-old-seccomp.json"));

        Assert.That(errors, Is.Empty);
        Assert.That(warnings.Select(w => w.Field), Is.EqualTo(new[] { "linux.resources.memory.kernel" }));
        Assert.Multiple(() =>
        {
            Assert.That(spec!.Seccomp, Is.Not.Null);
            Assert.That(spec.Seccomp!.Explain("close_range").ToString(), Does.StartWith("ERRNO"), "the old profile does not know close_range");
            Assert.That(spec.Seccomp.Explain("read").ToString(), Does.StartWith("ALLOW"));
            Assert.That(spec.Cgroup!.Memory!.Max, Is.EqualTo(268435456));
            Assert.That(spec.CgroupsPath, Is.EqualTo("/docker/3c1f0e9d2b7a4e5f"));
        });
    }

    [Test]
    public void Kubernetes_containerd_cri_sandbox()
    {
        var config = Load("cri-containerd.json");
        var (spec, errors, warnings) = Convert(config);

        Assert.That(errors, Is.Empty);
        Assert.That(warnings, Is.Empty);
        Assert.Multiple(() =>
        {
            Assert.That(spec!.Hostname, Is.EqualTo("web-7d9c6b5f4-x2x8q"));
            Assert.That(spec.Namespaces[NamespaceKind.Network], Is.InstanceOf<NamespaceSetting.JoinNamespace>(), "the pod's CNI netns");
            Assert.That(spec.Filesystem.MaskedPaths, Has.Length.EqualTo(11));
            Assert.That(spec.Filesystem.ReadonlyPaths, Has.Length.EqualTo(5));
            Assert.That(spec.Sysctls.Keys, Is.EquivalentTo(new[] { "net.ipv4.ip_unprivileged_port_start", "net.ipv4.ping_group_range" }));
            Assert.That(spec.Process.OomScoreAdj, Is.EqualTo(-998));
            Assert.That(spec.Process.User.Uid, Is.EqualTo(65535));
            Assert.That(spec.Cgroup!.PidsMax, Is.EqualTo(1024));
            Assert.That(config.Annotations!["io.kubernetes.cri.container-type"], Is.EqualTo("sandbox"), "annotations are metadata: kept in the state");
            // The systemd form (slice:prefix:name) is converted as given; starting it needs the systemd cgroup driver
            // (helper "systemd"): the integration run uses the cgroupfs form /kubepods/....
            Assert.That(spec.CgroupsPath, Is.EqualTo("kubepods-besteffort-pod5e1c0d2a_8b7f_4c3e_9a61_2d4f0b7e8c11.slice:cri-containerd:3f2a9c"));
        });
    }

    [TestCase("podman-ubuntu-apparmor.json")]
    [TestCase("podman-fedora-selinux.json")]
    public void Podman_with_security_labels_converts_but_for_the_labels(string name)
    {
        var config = Load(name);
        var (_, errors, warnings) = Convert(config);
        // Until AppArmor and SELinux are applied (helper "ocirt"), these fields are the only ones refused; afterwards none
        // is: then assert the profile and labels reach the spec (ProcessSpec's AppArmor profile / SELinux label, the
        // mount label on tmpfs, devpts and mqueue), and that warnings stay empty on a host with the LSM.
        Assert.That(errors.Select(e => e.Field), Is.SubsetOf(LsmFields));
        Assert.That(warnings.Select(w => w.Field), Is.SubsetOf(LsmFields));

        var (spec, rest, _) = Convert(config with
        {
            Process = config.Process! with { ApparmorProfile = null, SelinuxLabel = null },
            Linux = config.Linux! with { MountLabel = null },
        });
        Assert.That(rest, Is.Empty);
        Assert.Multiple(() =>
        {
            Assert.That(spec!.Filesystem.Mounts, Has.Length.EqualTo(11));
            Assert.That(spec.Namespaces[NamespaceKind.Cgroup], Is.EqualTo(NamespaceSetting.New));
            Assert.That(spec.Seccomp!.Explain("clone3").ToString(), Does.StartWith("ALLOW"));
            Assert.That(spec.Seccomp.Explain("kexec_load").ToString(), Does.StartWith("ERRNO(EPERM)"));
            Assert.That(spec.Seccomp.Explain("mount").ToString(), Does.StartWith("ERRNO(ENOSYS)"), "defaultErrnoRet 38");
            Assert.That(spec.Process.Rlimits, Has.Length.EqualTo(2));
        });
    }
}
