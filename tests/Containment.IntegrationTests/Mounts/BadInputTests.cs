using Containment.IntegrationTests.Support;
using Containment.Mounts;
using static Containment.IntegrationTests.Mounts.MountTestSupport;

namespace Containment.IntegrationTests.Mounts;

public class BadInputTests
{
    private static async Task<ContainerSpecException> Rejected(Func<ContainerSpec, ContainerSpec> configure)
    {
        using var rootfs = TestRootfs.Create();
        var before = HostSnapshot.Take();
        var e = Assert.ThrowsAsync<ContainerSpecException>(() => Sh(rootfs, "true", configure));
        await HostSnapshot.AssertUnchangedSince(before);
        return e!;
    }

    [Test]
    public async Task A_relative_destination_is_a_spec_error_naming_the_mount()
    {
        var e = await Rejected(s => s.WithMounts(m => m.Tmpfs("relative/dir")));
        Assert.That(e.Errors, Has.One.Matches<SpecError>(x => x.Field == "mounts[6] (relative/dir)" && x.Message.Contains("not an absolute path")));
    }

    [Test]
    public async Task A_missing_bind_source_is_a_spec_error_naming_the_mount()
    {
        var e = await Rejected(s => s.WithMounts(m => m.Clear().Proc().Bind("/nonexistent/containment-source", "/data")));
        Assert.That(e.Errors, Has.One.Matches<SpecError>(x => x.Field == "mounts[1] (/data)" && x.Message.Contains("does not exist")));
    }

    [Test]
    public async Task A_dangling_symlink_bind_source_is_a_spec_error_naming_the_mount()
    {
        var dir = HostDir("dangling");
        try
        {
            var link = Path.Combine(dir, "link");
            File.CreateSymbolicLink(link, Path.Combine(dir, "gone"));
            var e = await Rejected(s => s.WithMounts(m => m.Bind(link, "/data")));
            Assert.That(e.Errors, Has.One.Matches<SpecError>(x => x.Field == "mounts[6] (/data)" && x.Message.Contains("dangling symlink")));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public async Task An_unknown_propagation_is_a_spec_error()
    {
        var e = await Rejected(s => s.WithRootfsPropagation((MountPropagation)99)
            .WithMounts(m => m.Add("/data", "bind", "/tmp", "rbind", "rslaved")));
        Assert.That(e.Errors.Select(x => x.Field), Is.EquivalentTo(new[] { "mounts[6] (/data)", "rootfsPropagation" }));
        Assert.That(e.Message, Does.Contain("'rslaved'"));
    }

    [Test]
    public async Task Every_problem_is_reported_at_once()
    {
        var e = await Rejected(s => s.WithMounts(m => m.Tmpfs("x").Add("/y", "", "none").Add("/z", "tmpfs", "tmpfs", "idmap"))
            .WithDevice("dev/bad", DeviceNodeType.Char, 1, 3).WithMaskedPaths("rel"));
        Assert.That(e.Errors.Select(x => x.Field), Is.EquivalentTo(new[] { "mounts[6] (x)", "mounts[7] (/y)", "mounts[8] (/z)", "devices[0] (dev/bad)", "maskedPaths[0]" }));
    }
}
