using Containment.IntegrationTests.Support;
using static Containment.IntegrationTests.Mounts.MountTestSupport;

namespace Containment.IntegrationTests.Mounts;

/// <summary>
/// Images built to make mount setup touch the host, each named for the runc CVE class it reproduces. Every
/// test runs twice: with openat2(RESOLVE_IN_ROOT), and with the executor's O_NOFOLLOW walk (kernels without openat2).
/// </summary>
[TestFixture(false)]
[TestFixture(true)]
public class AttackTests(bool walk)
{
    private ContainerStartOptions Options => new() { ResolveByWalk = walk };

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "renameat2", SetLastError = true)]
    private static extern int RenameAt2(int olddirfd, string oldpath, int newdirfd, string newpath, uint flags);

    private static string[] Entries(string dir) => Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).ToArray()!;

    [Test]
    public async Task CVE_2021_30465_class_a_destination_symlinked_to_a_host_path_lands_inside_the_rootfs()
    {
        using var rootfs = TestRootfs.Create();
        var target = HostDir("target");
        try
        {
            // /data -> /../../../<host dir>: absolute and full of "..", as an attacker would write it.
            File.CreateSymbolicLink(Path.Combine(rootfs.Path, "data"), "/../../.." + target);
            var r = await Sh(rootfs, $"grep -c ' {target}/mnt ' /proc/self/mountinfo; echo inside > /data/mnt/file; cat {target}/mnt/file",
                s => s.WithMounts(m => m.Tmpfs("/data/mnt")), Options);
            Assert.That(r.Stdout, Is.EqualTo("1\ninside\n"), r.Stderr);
            Assert.That(Entries(target), Is.Empty, "nothing was created or mounted on the host");
            Assert.That(Directory.Exists(Path.Combine(rootfs.Path, target.TrimStart('/'), "mnt")), Is.True, "created inside the rootfs instead");
        }
        finally
        {
            Directory.Delete(target, true);
        }
    }

    [Test]
    public async Task CVE_2021_30465_class_a_destination_swapped_for_a_symlink_during_setup_never_reaches_the_host()
    {
        using var rootfs = TestRootfs.Create();
        var target = HostDir("race-target");
        var race = Path.Combine(rootfs.Path, "race");
        var before = HostSnapshot.Take();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        // A directory and a symlink to the host dir, exchanged atomically (renameat2 RENAME_EXCHANGE) in a tight loop.
        var link = race + "-link";
        Directory.CreateDirectory(race);
        File.CreateSymbolicLink(link, target);
        var swapper = Task.Run(() =>
        {
            var swaps = 0;
            while (!stop.IsCancellationRequested)
                if (RenameAt2(-100, race, -100, link, 2 /* RENAME_EXCHANGE */) == 0)
                    swaps++;
            return swaps;
        });
        try
        {
            int started = 0, failed = 0;
            for (var i = 0; i < 40; i++)
            {
                try
                {
                    var r = await Sh(rootfs, "echo x > /race/sub/file", s => s.WithMounts(m => m.Tmpfs("/race/sub")), Options);
                    started++;
                }
                catch (ContainerStartException)
                {
                    failed++;
                }
            }
            stop.Cancel();
            var swaps = await swapper;
            TestContext.Out.WriteLine($"{started} started, {failed} failed at setup, {swaps} swaps");
            Assert.That(swaps, Is.GreaterThan(1000), "the race loop ran");
            Assert.That(Entries(target), Is.Empty, "nothing was created or mounted on the host");
            // Only the mounts: other tests run in parallel and open and close descriptors meanwhile.
            Assert.That(HostSnapshot.MountPoints(), Is.EquivalentTo(before.Mounts));
        }
        finally
        {
            stop.Cancel();
            await swapper;
            Directory.Delete(target, true);
        }
    }

    [Test]
    public async Task CVE_2019_19921_class_an_image_whose_proc_is_a_symlink_is_refused()
    {
        using var rootfs = TestRootfs.Create();
        Directory.Delete(Path.Combine(rootfs.Path, "proc"));
        Directory.CreateDirectory(Path.Combine(rootfs.Path, "fakeproc"));
        File.CreateSymbolicLink(Path.Combine(rootfs.Path, "proc"), "/fakeproc");
        var before = HostSnapshot.Take();
        var e = Assert.ThrowsAsync<ContainerStartException>(() => Sh(rootfs, "true", null, Options));
        Assert.That(e!.Message, Does.Contain("mount(proc on /proc, a standard mount)").And.Contain("ELOOP"));
        Assert.That(Entries(Path.Combine(rootfs.Path, "fakeproc")), Is.Empty);
        await HostSnapshot.AssertUnchangedSince(before);
    }

    [TestCase("symlink")]
    [TestCase("regular file")]
    public async Task CVE_2025_31133_class_a_dev_null_that_is_not_the_null_device_is_never_bound_over_masked_paths(string kind)
    {
        using var rootfs = TestRootfs.Create();
        var dev = HostDir("dev");
        try
        {
            // /dev comes from the image (bound), so its null is what the masking would use.
            if (kind == "symlink")
                File.CreateSymbolicLink(Path.Combine(dev, "null"), "/etc/marker");
            else
                File.WriteAllText(Path.Combine(dev, "null"), "not a device\n");
            var before = HostSnapshot.Take();
            var e = Assert.ThrowsAsync<ContainerStartException>(() => Sh(rootfs, "true", s => s.WithMounts(m => m.Bind(dev, "/dev")), Options));
            Assert.That(e!.Message, Does.Contain("/dev/null as the null device").And.Contain(kind == "symlink" ? "ELOOP" : "ENODEV"));
            Assert.That(File.ReadAllText(Path.Combine(rootfs.Path, "etc/marker")), Is.EqualTo("inside-rootfs\n"));
            await HostSnapshot.AssertUnchangedSince(before);
        }
        finally
        {
            Directory.Delete(dev, true);
        }
    }

    [Test]
    public async Task CVE_2025_31133_class_a_bad_dev_null_in_the_image_is_replaced_by_the_fresh_dev()
    {
        using var rootfs = TestRootfs.Create();
        File.CreateSymbolicLink(Path.Combine(rootfs.Path, "dev/null"), "/etc/marker");
        var r = await Sh(rootfs, "stat -c '%F %t:%T' /dev/null /proc/keys; cat /etc/marker", null, Options);
        Assert.That(r.Stdout, Is.EqualTo("character special file 1:3\ncharacter special file 1:3\ninside-rootfs\n"), r.Stderr);
    }

    [Test]
    public async Task CVE_2018_15664_class_mkdir_of_a_nested_destination_through_a_symlinked_parent_stays_in_the_rootfs()
    {
        using var rootfs = TestRootfs.Create();
        var target = HostDir("nested");
        var source = HostDir("source");
        try
        {
            File.CreateSymbolicLink(Path.Combine(rootfs.Path, "a"), "../../../.." + target);
            File.WriteAllText(Path.Combine(source, "f"), "bound\n");
            var r = await Sh(rootfs, "cat /a/b/c/f", s => s.WithMounts(m => m.Bind(source, "/a/b/c")), Options);
            Assert.That(r.Stdout, Is.EqualTo("bound\n"), r.Stderr);
            Assert.That(Entries(target), Is.Empty, "no directory was made on the host");
            Assert.That(Directory.Exists(Path.Combine(rootfs.Path, target.TrimStart('/'), "b/c")), Is.True);
        }
        finally
        {
            Directory.Delete(target, true);
            Directory.Delete(source, true);
        }
    }
}
