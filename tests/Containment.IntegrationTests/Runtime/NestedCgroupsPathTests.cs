namespace Containment.IntegrationTests.Runtime;

/// <summary>
/// A CRI-style cgroupfs path (<c>/kubepods/burstable/pod&lt;uid&gt;/&lt;id&gt;</c>) through the CLI: nested levels in every
/// mounted hierarchy, whether the pod's directories exist or not, and a delete that removes the container's own leaf
/// only, never the pod's directories or another container's (runc removes only its own directory).
/// </summary>
public class NestedCgroupsPathTests
{
    private const string Pod = "/containment-test-kubepods/burstable/pod5e1c0d2a-8b7f-4c3e-9a61-2d4f0b7e8c11";
    private RuntimeCli _cli = null!;

    [SetUp]
    public void SetUp() => _cli = new RuntimeCli();

    [TearDown]
    public void TearDown()
    {
        _cli.Dispose();
        foreach (var hierarchy in Hierarchies())
            for (var dir = hierarchy + Pod + "/sibling"; dir.Length > hierarchy.Length; dir = Path.GetDirectoryName(dir)!)
                if (Directory.Exists(dir) && Directory.GetDirectories(dir).Length == 0)
                    Directory.Delete(dir);
    }

    private static IEnumerable<string> Hierarchies() =>
        Directory.GetDirectories("/sys/fs/cgroup").Where(h => File.Exists(Path.Combine(h, "cgroup.procs")));

    [Test]
    public void A_nested_path_whose_parents_do_not_exist_runs_in_its_leaf_and_delete_removes_the_leaf()
    {
        Assume.That(Hierarchies().Where(h => !Directory.Exists(h + Pod)), Is.Not.Empty, "a leftover pod directory from another run");
        var leaf = Pod + "/c1";
        _cli.WriteConfig(["sh", "-c", "grep pids /proc/self/cgroup"], c => c["linux"]!["cgroupsPath"] = leaf);

        var r = _cli.Run("run", "--bundle", _cli.Bundle, "c1");

        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        Assert.That(r.Stdout, Does.Contain(":pids:" + leaf));
        Assert.That(Hierarchies().Where(h => Directory.Exists(h + leaf)), Is.Empty, "the container's leaf is removed in every hierarchy");
    }

    [Test]
    public void A_nested_path_in_an_existing_pod_leaves_the_pod_and_the_other_containers_directories()
    {
        // containerd creates the pod's cgroup first; another container of the pod has its own leaf there.
        foreach (var hierarchy in Hierarchies())
            Directory.CreateDirectory(hierarchy + Pod + "/sibling");
        var leaf = Pod + "/c2";
        _cli.WriteConfig(["sleep", "60"], c => c["linux"]!["cgroupsPath"] = leaf);

        var created = _cli.Run("create", "--bundle", _cli.Bundle, "c2");
        Assert.That(created.ExitCode, Is.Zero, created.Stderr);
        Assert.That(Directory.Exists("/sys/fs/cgroup/pids" + leaf), "the leaf is made in the pod's existing directory");
        Assert.That(_cli.Run("delete", "--force", "c2").ExitCode, Is.Zero);

        Assert.That(Hierarchies().Where(h => Directory.Exists(h + leaf)), Is.Empty, "the container's leaf is removed");
        Assert.That(Hierarchies().Where(h => !Directory.Exists(h + Pod + "/sibling")), Is.Empty, "the pod and its other container stay");
    }
}
