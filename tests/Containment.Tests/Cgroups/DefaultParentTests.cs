using Containment.Cgroups;
using Containment.Cgroups.Fs;

namespace Containment.Tests.Cgroups;

/// <summary>
/// The default parent (<c>containment</c>) goes with the last container in it, whoever made it; a container whose parent
/// is removed under it while it is being made makes the parent again. On a temp dir: rmdir of a non-empty directory
/// fails there (ENOTEMPTY) as on cgroupfs (EBUSY), and mkdir beneath a removed one fails with ENOENT.
/// </summary>
public class DefaultParentTests
{
    private static CgroupNode Create(CgroupHierarchy hierarchy, string id)
    {
        var root = CgroupDirectory.OpenRoot(hierarchy.MountPoint);
        var created = new List<string>();
        var path = CgroupPath.DefaultParent + "/" + id;
        return new CgroupNode(hierarchy, root, path, root.CreateDirectories(path, created), created);
    }

    private static void Remove(CgroupNode node)
    {
        Assert.That(node.Remove(TimeSpan.Zero, null), Is.Zero);
        node.Dispose();
    }

    [Test]
    public void The_parent_stays_while_another_container_is_in_it_and_goes_with_the_last_one_whoever_made_it()
    {
        using var fs = new FakeCgroupFs();
        var pids = fs.V1Dirs("pids");
        var first = Create(pids, "a");
        var second = Create(pids, "b");
        Assert.That(first.Created, Does.Contain("containment"), "the first made the parent");
        Assert.That(second.Created, Does.Not.Contain("containment"), "the second found it");

        Remove(first);
        Assert.That(fs.Exists("pids/containment/b"), "the second's cgroup is untouched");

        Remove(second);
        Assert.That(fs.Exists("pids/containment"), Is.False, "the last container took the parent, though another made it");
    }

    [Test]
    public void A_parent_removed_by_another_containers_exit_while_one_is_being_made_is_made_again()
    {
        using var fs = new FakeCgroupFs();
        var pids = fs.V1Dirs("pids");
        const int rounds = 300;
        var errors = new List<Exception>();
        // Two containers come and go side by side: each one's exit removes the parent the other may be making its cgroup in.
        var threads = new[] { "a", "b" }.Select(id => new Thread(() =>
        {
            try
            {
                for (var i = 0; i < rounds; i++)
                {
                    var node = Create(pids, id);
                    Assert.That(fs.Exists($"pids/containment/{id}"));
                    Remove(node);
                }
            }
            catch (Exception e)
            {
                lock (errors) errors.Add(e);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.That(errors, Is.Empty, string.Join("\n", errors.Take(3)));
        Assert.That(fs.Exists("pids/containment"), Is.False);
    }

    [Test]
    public void A_parent_named_in_cgroupsPath_that_someone_else_made_stays()
    {
        using var fs = new FakeCgroupFs();
        var pids = fs.V1Dirs("pids", "pool");
        var root = CgroupDirectory.OpenRoot(pids.MountPoint);
        var created = new List<string>();
        var node = new CgroupNode(pids, root, "pool/a", root.CreateDirectories("pool/a", created), created);
        Remove(node);
        Assert.That(fs.Exists("pids/pool"), "only the default parent is the library's");
        Assert.That(fs.Exists("pids/pool/a"), Is.False);
    }
}
