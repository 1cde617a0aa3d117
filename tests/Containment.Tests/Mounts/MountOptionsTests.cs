using Containment.Mounts;
using static Containment.Mounts.MountOptions;

namespace Containment.Tests.Mounts;

public class MountOptionsTests
{
    [TestCase("ro", ATTR_RDONLY, 0UL)]
    [TestCase("rw", 0UL, ATTR_RDONLY)]
    [TestCase("nosuid", ATTR_NOSUID, 0UL)]
    [TestCase("suid", 0UL, ATTR_NOSUID)]
    [TestCase("nodev", ATTR_NODEV, 0UL)]
    [TestCase("dev", 0UL, ATTR_NODEV)]
    [TestCase("noexec", ATTR_NOEXEC, 0UL)]
    [TestCase("exec", 0UL, ATTR_NOEXEC)]
    [TestCase("noatime", ATTR_NOATIME, ATTR_ATIME_MASK)]
    [TestCase("strictatime", ATTR_STRICTATIME, ATTR_ATIME_MASK)]
    [TestCase("relatime", ATTR_RELATIME, ATTR_ATIME_MASK)]
    [TestCase("nodiratime", ATTR_NODIRATIME, 0UL)]
    [TestCase("nosymfollow", ATTR_NOSYMFOLLOW, 0UL)]
    public void Each_flag_option_maps_to_one_mount_attribute(string option, ulong set, ulong clear)
    {
        var o = Parse([option]);
        Assert.That((o.Set, o.Clear), Is.EqualTo((set, clear)));
        Assert.That(o.Data, Is.Empty);
        Assert.That(o.Errors, Is.Empty);
    }

    [TestCase("rro", ATTR_RDONLY, 0UL)]
    [TestCase("rrw", 0UL, ATTR_RDONLY)]
    [TestCase("rnosuid", ATTR_NOSUID, 0UL)]
    [TestCase("rnodev", ATTR_NODEV, 0UL)]
    [TestCase("rnoexec", ATTR_NOEXEC, 0UL)]
    [TestCase("rexec", 0UL, ATTR_NOEXEC)]
    [TestCase("rnoatime", ATTR_NOATIME, ATTR_ATIME_MASK)]
    [TestCase("rnosymfollow", ATTR_NOSYMFOLLOW, 0UL)]
    public void Each_r_option_maps_to_a_recursive_attribute(string option, ulong set, ulong clear)
    {
        var o = Parse([option]);
        Assert.That((o.RecursiveSet, o.RecursiveClear, o.Set, o.Clear), Is.EqualTo((set, clear, 0UL, 0UL)));
    }

    [TestCase("private", MountPropagation.Private)]
    [TestCase("rprivate", MountPropagation.RPrivate)]
    [TestCase("slave", MountPropagation.Slave)]
    [TestCase("rslave", MountPropagation.RSlave)]
    [TestCase("shared", MountPropagation.Shared)]
    [TestCase("rshared", MountPropagation.RShared)]
    [TestCase("unbindable", MountPropagation.Unbindable)]
    [TestCase("runbindable", MountPropagation.RUnbindable)]
    public void Propagation_options_set_the_propagation_and_round_trip_by_name(string option, MountPropagation expected)
    {
        Assert.That(Parse([option]).Propagation, Is.EqualTo(expected));
        Assert.That(Name(expected), Is.EqualTo(option));
        Assert.That(Kernel(expected)!.Value.Recursive, Is.EqualTo(option.StartsWith('r')));
    }

    [Test]
    public void Bind_and_rbind_make_a_bind_and_only_rbind_is_recursive()
    {
        Assert.That((Parse(["bind"]).Bind, Parse(["bind"]).Recursive), Is.EqualTo((true, false)));
        Assert.That((Parse(["rbind"]).Bind, Parse(["rbind"]).Recursive), Is.EqualTo((true, true)));
        Assert.That(new Mount("/d", "none", "/s", "rbind").IsBind, Is.True);
        Assert.That(new Mount("/d", "bind", "/s").IsBind, Is.True);
        Assert.That(new Mount("/d", "tmpfs", "tmpfs").IsBind, Is.False);
    }

    [Test]
    public void Unknown_options_go_to_the_filesystem_as_data_in_order()
    {
        var o = Parse(["nosuid", "mode=755", "size=65536k", "newinstance", "defaults"]);
        Assert.That(o.Data, Is.EqualTo(new[] { "mode=755", "size=65536k", "newinstance" }));
        Assert.That(o.Set, Is.EqualTo(ATTR_NOSUID));
    }

    [Test]
    public void Superblock_flags_are_passed_by_their_filesystem_names()
    {
        Assert.That(Parse(["sync", "dirsync", "acl", "noacl", "lazytime"]).Data, Is.EqualTo(new[] { "sync", "dirsync", "posixacl", "noposixacl", "lazytime" }));
    }

    [Test]
    public void The_last_of_two_contradicting_options_wins()
    {
        Assert.That((Parse(["ro", "rw"]).Set, Parse(["ro", "rw"]).Clear), Is.EqualTo((0UL, ATTR_RDONLY)));
        Assert.That((Parse(["rw", "ro"]).Set, Parse(["rw", "ro"]).Clear), Is.EqualTo((ATTR_RDONLY, 0UL)));
        Assert.That(Parse(["noatime", "strictatime"]).Set, Is.EqualTo(ATTR_STRICTATIME));
        Assert.That(Parse(["rslave", "private"]).Propagation, Is.EqualTo(MountPropagation.Private));
    }

    [TestCase("remount")]
    [TestCase("")]
    [TestCase("a,b")]
    public void Options_that_cannot_be_honoured_are_errors(string option)
    {
        Assert.That(Parse([option]).Errors, Has.Count.EqualTo(1));
    }

    [Test]
    public void Tmpcopyup_asks_for_a_copy_and_notmpcopyup_undoes_it()
    {
        Assert.That(Parse(["nosuid", "tmpcopyup"]).CopyUp, Is.True);
        Assert.That(Parse(["tmpcopyup", "notmpcopyup"]).CopyUp, Is.False);
        Assert.That(Parse(["tmpcopyup"]).Data, Is.Empty, "not passed to the filesystem");
    }

    [Test]
    public void Typed_flags_name_their_options()
    {
        Assert.That(Names(MountFlags.ReadOnly | MountFlags.NoExec | MountFlags.RecursiveReadOnly | MountFlags.NoAtime),
            Is.EqualTo(new[] { "ro", "noexec", "noatime", "rro" }));
    }

    [Test]
    public void Idmap_and_ridmap_ask_for_an_id_mapped_bind()
    {
        var idmap = Parse(["rbind", "idmap"]);
        Assert.That((idmap.Idmap, idmap.IdmapRecursive, idmap.Errors.Count), Is.EqualTo((true, false, 0)));
        var ridmap = Parse(["rbind", "ridmap"]);
        Assert.That((ridmap.Idmap, ridmap.IdmapRecursive, ridmap.Data.Count), Is.EqualTo((true, true, 0)));
    }
}
