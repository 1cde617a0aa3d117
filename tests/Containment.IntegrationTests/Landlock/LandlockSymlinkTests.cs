using Containment.IntegrationTests.Support;
using Containment.Landlock;

namespace Containment.IntegrationTests.Landlock;

/// <summary>
/// A Landlock rule names a path the image controls: an image symlink there, relative with more <c>..</c> than the root
/// has or absolute, must land inside the container's root, never on the host's same-named directory.
/// </summary>
public class LandlockSymlinkTests
{
    [SetUp]
    public void SetUp() => LandlockTests.RequireLandlock();

    [Test]
    public async Task A_rule_on_an_image_symlink_resolves_inside_the_root()
    {
        using var rootfs = TestRootfs.Create();
        var name = "landlock-target-" + Guid.NewGuid().ToString("N")[..8];
        var hostDir = Directory.CreateDirectory(Path.Combine("/tmp", name)).FullName; // the host's own /tmp/NAME
        try
        {
            Directory.CreateDirectory(Path.Combine(rootfs.Path, "tmp", name));
            Directory.CreateDirectory(Path.Combine(rootfs.Path, "tmp", "other"));
            File.CreateSymbolicLink(Path.Combine(rootfs.Path, "relative"), "../../../../../../../../tmp/" + name);
            File.CreateSymbolicLink(Path.Combine(rootfs.Path, "absolute"), "/tmp/" + name);
            foreach (var link in new[] { "/relative", "/absolute" })
            {
                var rules = LandlockRules.Empty.Execute("/bin").ReadWrite("/dev/null").ReadWrite(link);
                var spec = ContainerSpec.FromRootfs(rootfs.Path).WithLandlock(rules)
                    .WithProcess(p => p.Args("/bin/sh", "-c", $"echo in > /tmp/{name}/f && echo inside-ok; echo out > /tmp/other/f && echo other-written; true"));
                var r = await Run.ToCompletion(spec);

                Assert.That(r.Stdout, Is.EqualTo("inside-ok\n"), $"{link}: {r.Stderr}");
                Assert.That(File.Exists(Path.Combine(rootfs.Path, "tmp", name, "f")), Is.True, link);
                Assert.That(Directory.GetFileSystemEntries(hostDir), Is.Empty, link);
                File.Delete(Path.Combine(rootfs.Path, "tmp", name, "f"));
            }
        }
        finally
        {
            Directory.Delete(hostDir, recursive: true);
        }
    }
}
