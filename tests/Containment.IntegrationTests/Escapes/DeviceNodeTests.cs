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
    [Ignore("ESCAPES TODAY: ContainerSpec.FromRootfs has CAP_MKNOD and no device cgroup (none without WithCgroup; WithCgroup adds " +
        "device rules only when given, and DenyAllDevices alone fails the start at mknod(/dev/null)), so the container makes " +
        "and opens /dev/kvm, /dev/tty0 and /dev/loop-control here, and the host's disk wherever no outer device cgroup stops it")]
    public async Task In_a_default_container_no_device_node_outside_the_allow_list_can_be_opened()
    {
        var r = await Attack.InDefault(Script());
        Assert.That(r.Stdout, Does.Not.Contain("opened"), r.Stderr);
    }
}
