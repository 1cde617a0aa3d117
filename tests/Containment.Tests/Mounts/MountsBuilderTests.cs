using Containment.Mounts;

namespace Containment.Tests.Mounts;

public class MountsBuilderTests
{
    private static readonly ContainerSpec Spec = ContainerSpec.FromRootfs("/srv/rootfs").WithProcess(p => p.Args("sh"));

    [Test]
    public void The_default_filesystem_has_the_standard_mounts_and_runcs_masked_and_read_only_paths()
    {
        var fs = Spec.Filesystem;
        Assert.That(fs.Mounts.Select(m => m.Destination), Is.EqualTo(new[] { "/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys" }));
        Assert.That(fs.MaskedPaths, Does.Contain("/proc/kcore").And.Contain("/sys/firmware").And.Length.EqualTo(10));
        Assert.That(fs.ReadonlyPaths, Does.Contain("/proc/sys").And.Contain("/proc/sysrq-trigger").And.Length.EqualTo(6));
        Assert.That(fs.ReadOnlyRootfs, Is.False);
    }

    [Test]
    public void Mounts_are_added_after_the_defaults_in_order_and_the_spec_is_not_changed()
    {
        var changed = Spec.WithMounts(m => m.Bind("/host", "/data", readOnly: true).Tmpfs("/tmp", size: 1 << 20, mode: 0x3ff));
        Assert.That(Spec.Filesystem.Mounts, Has.Length.EqualTo(6), "immutable");
        Assert.That(changed.Filesystem.Mounts[6], Is.EqualTo(new Mount("/data", "bind", "/host", "rbind", "ro", "rro")));
        Assert.That(changed.Filesystem.Mounts[7], Is.EqualTo(new Mount("/tmp", "tmpfs", "tmpfs", "nosuid", "nodev", "size=1048576", "mode=1777")));
    }

    [Test]
    public void Clear_and_remove_take_mounts_away()
    {
        Assert.That(Spec.WithMounts(m => m.Clear().Proc()).Filesystem.Mounts.Select(m => m.Destination), Is.EqualTo(new[] { "/proc" }));
        Assert.That(Spec.WithMounts(m => m.Remove("/dev/mqueue")).Filesystem.Mounts, Has.Length.EqualTo(5));
    }

    [Test]
    public void A_non_recursive_read_only_bind_uses_plain_ro_and_a_propagation_is_named()
    {
        var m = Spec.WithMounts(b => b.Bind("/h", "/d", readOnly: true, recursive: false, propagation: MountPropagation.RSlave)).Filesystem.Mounts[^1];
        Assert.That(m.Options, Is.EqualTo(new[] { "bind", "ro", "rslave" }));
    }

    [Test]
    public void Devpts_cgroup_and_overlay_have_their_options()
    {
        var mounts = Spec.WithMounts(b => b.Clear().Devpts().Cgroup().Overlay("/o", ["/l1", "/l2"], "/u", "/w")).Filesystem.Mounts;
        Assert.That(mounts[0].Options, Is.EqualTo(new[] { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5" }));
        Assert.That(mounts[1], Is.EqualTo(new Mount("/sys/fs/cgroup", "cgroup", "cgroup", "nosuid", "noexec", "nodev", "ro")));
        Assert.That(mounts[2].Options, Is.EqualTo(new[] { "lowerdir=/l1:/l2", "upperdir=/u", "workdir=/w" }));
    }

    [Test]
    public void A_device_at_the_same_path_replaces_the_earlier_one()
    {
        var spec = Spec.WithDevice("/dev/fuse", DeviceNodeType.Char, 10, 229).WithDevice("/dev/fuse", DeviceNodeType.Char, 10, 230);
        Assert.That(spec.Filesystem.Devices, Has.Length.EqualTo(1));
        Assert.That(spec.Filesystem.Devices[0].Minor, Is.EqualTo(230u));
        Assert.That(DeviceNode.ParseType("c"), Is.EqualTo(DeviceNodeType.Char));
        Assert.That(DeviceNode.ParseType("p"), Is.EqualTo(DeviceNodeType.Fifo));
        Assert.That(DeviceNode.ParseType("x"), Is.Null);
    }

    [Test]
    public void Filesystem_specs_compare_by_content()
    {
        Assert.That(Spec.WithMaskedPaths("/a").Filesystem, Is.EqualTo(Spec.WithMaskedPaths("/a").Filesystem));
        Assert.That(Spec.WithMaskedPaths("/a").Filesystem, Is.Not.EqualTo(Spec.Filesystem));
    }

    [Test]
    public void Validation_names_each_bad_entry()
    {
        var errors = Spec.WithMounts(m => m.Tmpfs("rel").Add("/x", "", "").Add("/b", "bind", "relative/src").Add("/c", "bind", "/", "rbind", "mode=1"))
            .WithDevice("/dev", DeviceNodeType.Char, 1, 1).WithReadonlyPaths("r").WithRootfsPropagation((MountPropagation)99).Validate();
        var fields = errors.Select(e => e.Field).ToList();
        Assert.That(fields, Is.SupersetOf(new[] { "mounts[6] (rel)", "mounts[7] (/x)", "mounts[8] (/b)", "mounts[9] (/c)", "devices[0] (/dev)", "readonlyPaths[0]", "rootfsPropagation" }));
        Assert.That(errors.First(e => e.Field == "mounts[9] (/c)").Message, Does.Contain("'mode=1' is not a bind mount option"));
    }

    [Test]
    public void A_cgroup_mount_without_a_new_cgroup_namespace_is_valid()
    {
        var errors = Spec.WithNamespaces(n => n.Without(Containment.Namespaces.NamespaceKind.Cgroup)).WithMounts(m => m.Cgroup()).Validate();
        Assert.That(errors.Select(e => e.Field), Does.Not.Contain("mounts[6] (/sys/fs/cgroup)"));
    }
}
