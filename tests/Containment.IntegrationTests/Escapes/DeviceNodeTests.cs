namespace Containment.IntegrationTests.Escapes;

/// <summary>
/// A device the container was not given, made with mknod (CAP_MKNOD is a default capability) in the rootfs and in
/// /dev, then opened for reading: the host's root disk, /dev/kvm, the host's console /dev/tty0, /dev/loop-control.
/// </summary>
public class DeviceNodeTests
{
    private static string Script()
    {
        var disk = SysfsWriteTests.RootDevice().Split(':');
        var nodes = new[] { $"disk b {disk[0]} {disk[1]}", "kvm c 10 232", "tty0 c 4 0", "loop-control c 10 237" };
        return string.Join('\n', nodes.Select(n => n.Split(' ')).SelectMany(n => new[] { "/tmp", "/dev" }.Select(dir =>
            $"mknod {dir}/{n[0]} {n[1]} {n[2]} {n[3]} && echo made {dir}/{n[0]}; [ -{n[1]} {dir}/{n[0]} ] && (exec 4<{dir}/{n[0]}) && echo opened {dir}/{n[0]}"))) + "\necho done";
    }

    [Test]
    public async Task In_a_container_from_runcs_default_config_no_device_node_can_be_made_or_opened()
    {
        var r = await Attack.InRuncDefault(Script());
        Assert.That(r.Stdout, Is.EqualTo("done\n"), r.Stderr);
    }

    [Test]
    public async Task In_a_default_container_no_device_node_outside_the_allow_list_can_be_opened()
    {
        // No cgroup: no CAP_MKNOD, and the root is nodev (a node the rootfs holds cannot be opened).
        var r = await Attack.InDefault(Script());
        Assert.That(r.Stdout, Does.Not.Contain("opened"), r.Stderr);
    }

    [Test]
    public async Task In_a_default_container_with_a_cgroup_no_device_node_outside_the_allow_list_can_be_opened()
    {
        // A cgroup without device rules gets deny-all plus the standard nodes: mknod works, opening does not.
        var r = await Attack.InDefault(Script(), s => s.WithCgroup(c => c.PidsMax(64)));
        Assert.That(r.Stdout, Does.Not.Contain("opened"), r.Stderr);
    }

    [Test]
    public async Task A_node_already_in_the_rootfs_cannot_be_opened_without_a_device_list()
    {
        // An image can carry device nodes; made on the host here, the null device stands for any of them.
        using var rootfs = Support.TestRootfs.Create();
        Directory.CreateDirectory(Path.Combine(rootfs.Path, "opt"));
        using (var mknod = System.Diagnostics.Process.Start("mknod", [Path.Combine(rootfs.Path, "opt/null-copy"), "c", "1", "3"])!)
            mknod.WaitForExit();
        Assert.That(File.Exists(Path.Combine(rootfs.Path, "opt/null-copy")), Is.True);
        var spec = ContainerSpec.FromRootfs(rootfs.Path).WithProcess(p => p.Args("/bin/sh", "-c", "(exec 4</opt/null-copy) && echo opened; echo done"));
        var r = await Support.Run.ToCompletion(spec);
        Assert.That(r.Stdout, Is.EqualTo("done\n"), r.Stderr);
        var allowed = await Support.Run.ToCompletion(spec.WithCgroup(c => c.PidsMax(64)));
        Assert.That(allowed.Stdout, Is.EqualTo("opened\ndone\n"), "with a device list the standard null device is allowed wherever it is: " + allowed.Stderr);
    }

    [Test]
    public async Task A_node_in_the_image_under_a_tmpcopyup_tmpfs_cannot_be_opened_without_a_device_list()
    {
        // tmpcopyup copies the image's directory into a tmpfs, which is not under the nodev root: a node copied there
        // (a block device standing for the host's disk) would open. The null device stands for any node.
        using var rootfs = Support.TestRootfs.Create();
        Directory.CreateDirectory(Path.Combine(rootfs.Path, "opt"));
        using (var mknod = System.Diagnostics.Process.Start("mknod", [Path.Combine(rootfs.Path, "opt/null-copy"), "c", "1", "3"])!)
            mknod.WaitForExit();
        var spec = ContainerSpec.FromRootfs(rootfs.Path).WithMounts(m => m.Add("/opt", "tmpfs", "tmpfs", "tmpcopyup"))
            .WithProcess(p => p.Args("/bin/sh", "-c", "(exec 4</opt/null-copy) 2>/dev/null && echo opened; echo done"));
        var r = await Support.Run.ToCompletion(spec);
        Assert.That(r.Stdout, Is.EqualTo("done\n"), r.Stderr);
        var allowed = await Support.Run.ToCompletion(spec.WithCgroup(c => c.PidsMax(64)));
        Assert.That(allowed.Stdout, Is.EqualTo("opened\ndone\n"), "with a device list the node is copied and the list decides: " + allowed.Stderr);
    }
}
