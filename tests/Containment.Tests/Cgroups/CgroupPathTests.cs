using Containment.Cgroups;

namespace Containment.Tests.Cgroups;

public class CgroupPathTests
{
    private static readonly CgroupHierarchy Memory = new("/sys/fs/cgroup/memory", "/", new HashSet<string> { "memory" }, false, "/process_api/abc");

    [Test]
    public void Without_a_path_a_container_gets_the_default_one() =>
        Assert.That(CgroupPath.Resolve(null, "web", Memory), Is.EqualTo("containment/web"));

    [Test]
    public void An_absolute_path_starts_at_the_hierarchy_root() =>
        Assert.That(CgroupPath.Resolve("/a/b/../c", "web", Memory), Is.EqualTo("a/c"));

    [Test]
    public void A_relative_path_starts_at_our_own_cgroup() =>
        Assert.That(CgroupPath.Resolve("ctr/web", "web", Memory), Is.EqualTo("process_api/abc/ctr/web"));

    [TestCase("../../../x")]
    [TestCase("/../x")]
    [TestCase("/a/../../x")]
    public void A_path_escaping_the_root_is_an_error(string path)
    {
        var e = Assert.Throws<ContainerSpecException>(() => CgroupPath.Resolve(path, "web", Memory));
        Assert.That(e!.Errors[0].Field, Is.EqualTo("cgroupsPath"));
    }

    [Test]
    public void The_root_cgroup_itself_cannot_be_a_container() =>
        Assert.Throws<ContainerSpecException>(() => CgroupPath.Resolve("/", "web", Memory));

    [Test]
    public void A_systemd_style_path_asks_for_the_systemd_driver() =>
        Assert.That(() => CgroupPath.Resolve("system.slice:containment:web", "web", Memory),
            Throws.TypeOf<ContainerSpecException>().With.Message.Contains("systemd"));

    [Test]
    public void A_relative_path_in_a_mounted_subtree_is_made_relative_to_the_mount()
    {
        var subtree = Memory with { MountRoot = "/process_api" };
        Assert.That(CgroupPath.Resolve("web", "web", subtree), Is.EqualTo("abc/web"));
        Assert.Throws<ContainerSpecException>(() => CgroupPath.Resolve("../../other", "web", subtree));
    }
}
