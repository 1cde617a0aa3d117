using Containment.Capabilities;
using Containment.IntegrationTests.Support;
using Containment.Mounts;
using static Containment.IntegrationTests.Mounts.MountTestSupport;

namespace Containment.IntegrationTests.Mounts;

/// <summary>
/// <c>linux.rootfsPropagation</c> for real: the rootfs is a shared mount on the host (as under systemd, or a bundle that
/// is a shared bind), the container starts, then the host mounts a tmpfs beneath the rootfs and the container looks for
/// it; and the container mounts one of its own and the host looks for that.
/// </summary>
public class RootfsPropagationTests
{
    private TestRootfs _rootfs = null!;

    [SetUp]
    public void SetUp()
    {
        _rootfs = TestRootfs.Create();
        Directory.CreateDirectory(Path.Combine(_rootfs.Path, "host"));
        Directory.CreateDirectory(Path.Combine(_rootfs.Path, "inner"));
        Host("/usr/bin/mount", "--bind", _rootfs.Path, _rootfs.Path);
        Host("/usr/bin/mount", "--make-private", _rootfs.Path);
        Host("/usr/bin/mount", "--make-shared", _rootfs.Path);
    }

    [TearDown]
    public void TearDown()
    {
        Unmount(Path.Combine(_rootfs.Path, "host"));
        Unmount(Path.Combine(_rootfs.Path, "inner"));
        Unmount(_rootfs.Path);
        _rootfs.Dispose();
    }

    /// <summary>
    /// Starts the container, mounts a tmpfs on rootfs/host from the host, then lets the container go on: it says whether
    /// it sees that mount, mounts a tmpfs of its own on /inner and waits; meanwhile the host looks at rootfs/inner.
    /// </summary>
    private async Task<(string Inside, bool InnerReachedHost, string Mountinfo)> Exchange(MountPropagation propagation)
    {
        var spec = ContainerSpec.FromRootfs(_rootfs.Path).WithRootfsPropagation(propagation)
            .WithCapabilities(c => c.Add(Capability.SysAdmin))
            .WithProcess(p => p.StandardInput(Stdio.Pipe).Args("/bin/sh", "-c",
                "read go; test -e /host/from-host && echo seen || echo unseen; mount -t tmpfs containment-inner /inner && "
                + "touch /inner/from-inside && cat /proc/self/mountinfo && echo done; read stop"));
        using var cts = new CancellationTokenSource(Run.Timeout);
        await using var c = await ContainerProcess.StartAsync(spec, cts.Token);
        var hostMount = Path.Combine(_rootfs.Path, "host");
        Host("/usr/bin/mount", "-t", "tmpfs", "containment-host", hostMount);
        File.WriteAllText(Path.Combine(hostMount, "from-host"), "");
        await c.StandardInput!.WriteLineAsync("go");
        await c.StandardInput.FlushAsync(cts.Token);
        var inside = await c.StandardOutput!.ReadLineAsync(cts.Token) ?? "";
        var mountinfo = new List<string>();
        for (var line = await c.StandardOutput.ReadLineAsync(cts.Token); line is not null and not "done"; line = await c.StandardOutput.ReadLineAsync(cts.Token))
            mountinfo.Add(line);
        var innerReachedHost = File.Exists(Path.Combine(_rootfs.Path, "inner/from-inside"));
        await c.StandardInput.WriteLineAsync("stop");
        await c.StandardInput.FlushAsync(cts.Token);
        var exit = await c.WaitForExitAsync(cts.Token);
        Assert.That(exit.ExitCode, Is.EqualTo(0), $"{exit}: {await c.StandardError!.ReadToEndAsync(cts.Token)}");
        return (inside, innerReachedHost, string.Join("\n", mountinfo));
    }

    /// <summary>The optional fields of the container's root in its mountinfo: "shared:N", "master:N", or none.</summary>
    private static string RootTags(string mountinfo)
    {
        var fields = mountinfo.Split('\n').Select(l => l.Split(' ')).Last(f => f.Length > 6 && f[4] == "/");
        return string.Join(" ", fields.Skip(6).TakeWhile(f => f != "-").Where(f => f.Contains(':')).Select(f => f.Split(':')[0]).Order());
    }

    [TestCase(MountPropagation.Shared, "master shared")]
    [TestCase(MountPropagation.RShared, "master shared")]
    [TestCase(MountPropagation.Slave, "master")]
    [TestCase(MountPropagation.RSlave, "master")]
    public async Task A_host_mount_beneath_the_root_appears_inside_and_nothing_goes_back(MountPropagation propagation, string tags)
    {
        var (inside, innerReachedHost, mountinfo) = await Exchange(propagation);
        Assert.That(inside, Is.EqualTo("seen"));
        Assert.That(innerReachedHost, Is.False, "a container's mount never reaches the host");
        Assert.That(RootTags(mountinfo), Is.EqualTo(tags), mountinfo);
    }

    [TestCase(MountPropagation.Private)]
    [TestCase(MountPropagation.RPrivate)]
    [TestCase(MountPropagation.Default)]
    [TestCase(MountPropagation.Unbindable)]
    public async Task A_private_root_sees_no_host_mount(MountPropagation propagation)
    {
        var (inside, innerReachedHost, mountinfo) = await Exchange(propagation);
        Assert.That(inside, Is.EqualTo("unseen"));
        Assert.That(innerReachedHost, Is.False);
        Assert.That(RootTags(mountinfo), Is.EqualTo(""), mountinfo);
    }

    [TestCase(MountPropagation.Unbindable, "refused")]
    [TestCase(MountPropagation.RUnbindable, "refused")]
    [TestCase(MountPropagation.Private, "bound")]
    public async Task An_unbindable_root_cannot_be_bound_elsewhere(MountPropagation propagation, string expected)
    {
        var r = await Sh(_rootfs, "mount --bind / /inner && echo bound || echo refused",
            s => s.WithRootfsPropagation(propagation).WithCapabilities(c => c.Add(Capability.SysAdmin)));
        Assert.That(r.Stdout.Trim(), Is.EqualTo(expected), r.Stderr);
    }
}
