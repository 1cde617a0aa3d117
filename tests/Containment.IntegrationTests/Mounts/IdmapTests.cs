using Containment.IntegrationTests.Support;
using Containment.Mounts;

namespace Containment.IntegrationTests.Mounts;

/// <summary>Id-mapped binds (MOUNT_ATTR_IDMAP): a host directory owned by root is the container root's own.</summary>
public class IdmapTests
{
    private string _data = null!;

    [SetUp]
    public void SetUp()
    {
        _data = Directory.CreateTempSubdirectory("containment-idmap-").FullName;
        File.WriteAllText(Path.Combine(_data, "owned-by-root"), "x");
        if (OperatingSystem.IsLinux())
            File.SetUnixFileMode(_data, (UnixFileMode)0x1ed); // 755: readable by anyone, writable by its owner only
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_data, recursive: true);

    private async Task<Run.Result> InUserNamespace(string script, string option)
    {
        using var rootfs = TestRootfs.Create();
        Directory.CreateDirectory(Path.Combine(rootfs.Path, "data")); // the container's root may not create it
        if (OperatingSystem.IsLinux())
            File.SetUnixFileMode(rootfs.Path, (UnixFileMode)0x1ed); // the container root is uid 100000 on the host
        var spec = ContainerSpec.FromRootfs(rootfs.Path)
            .WithUserNamespace(u => u.MapUser(0, 100000, 65536).MapGroup(0, 100000, 65536))
            .WithMounts(m => m.Add("/data", "bind", _data, option is "" ? new[] { "rbind" } : new[] { "rbind", option }))
            .WithProcess(p => p.Args("/bin/sh", "-c", script));
        return await Run.ToCompletion(spec);
    }

    [TestCase("idmap")]
    [TestCase("ridmap")]
    public async Task Host_root_files_belong_to_the_containers_root_and_its_files_land_as_host_root(string option)
    {
        var r = await InUserNamespace("stat -c %u:%g /data/owned-by-root && touch /data/made-inside && stat -c %u:%g /data/made-inside", option);
        Assert.That(r.Exit.ExitCode, Is.Zero, r.Stderr);
        Assert.That(r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "0:0", "0:0" }));
        var made = new FileInfo(Path.Combine(_data, "made-inside"));
        Assert.That(made.Exists, Is.True);
        Assert.That(HostOwner(made.FullName), Is.EqualTo("0:0"), "written through the id-mapped mount as the host's root");
    }

    [Test]
    public async Task Without_idmap_host_root_files_are_the_overflow_id_and_not_writable()
    {
        var r = await InUserNamespace("stat -c %u:%g /data/owned-by-root; touch /data/made-inside", "");
        Assert.That(r.Stdout.Trim(), Is.EqualTo("65534:65534"));
        Assert.That(r.Exit.ExitCode, Is.Not.Zero, "the container's root is uid 100000 on the host: the directory is not its");
        Assert.That(File.Exists(Path.Combine(_data, "made-inside")), Is.False);
    }

    [Test]
    public async Task Idmap_without_a_user_namespace_is_refused_naming_the_mount()
    {
        var spec = ContainerSpec.HostReadOnly().WithMounts(m => m.Add("/data", "bind", _data, "rbind", "idmap"))
            .WithProcess(p => p.Args("/bin/true"));
        var e = Assert.ThrowsAsync<ContainerSpecException>(async () => await Run.ToCompletion(spec));
        Assert.That(e!.Message, Does.Contain("/data").And.Contain("new user namespace"));
    }

    private static string HostOwner(string path)
    {
        using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%u:%g", path]) { RedirectStandardOutput = true })!;
        var text = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return text.Trim();
    }
}
