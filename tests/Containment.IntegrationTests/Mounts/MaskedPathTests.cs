using Containment.IntegrationTests.Support;
using static Containment.IntegrationTests.Mounts.MountTestSupport;

namespace Containment.IntegrationTests.Mounts;

public class MaskedPathTests
{
    [Test]
    public async Task Masked_files_read_empty_and_masked_directories_are_empty_and_read_only()
    {
        using var rootfs = TestRootfs.Create();
        var r = await Sh(rootfs,
            "stat -c '%F %t:%T' /proc/keys /proc/timer_list; wc -c < /proc/keys; ls -A /proc/acpi | wc -l; ls -A /sys/firmware | wc -l; " +
            "touch /proc/acpi/x 2>/dev/null || echo acpi-ro");
        Assert.That(r.Stdout, Is.EqualTo("character special file 1:3\ncharacter special file 1:3\n0\n0\n0\nacpi-ro\n"), r.Stderr);
    }

    [Test]
    public async Task Proc_sys_and_the_other_read_only_paths_refuse_writes()
    {
        using var rootfs = TestRootfs.Create();
        var r = await Sh(rootfs, "echo other > /proc/sys/kernel/hostname; echo rc=$?; echo h > /proc/sysrq-trigger; echo sysrq=$?; hostname",
            s => s.WithHostname("inside"));
        Assert.That(r.Stdout, Is.EqualTo("rc=1\nsysrq=1\ninside\n"), r.Stderr);
        Assert.That(r.Stderr, Does.Contain("Read-only file system"));
    }

    [Test]
    public async Task The_masked_and_read_only_lists_can_be_changed()
    {
        using var rootfs = TestRootfs.Create();
        var r = await Sh(rootfs, "stat -c %F /proc/keys /etc/marker; echo x > /tmp/f; echo tmp=$?; echo w > /etc/new; echo etc=$?",
            s => s.WithMaskedPaths("/etc/marker", "/does/not/exist").WithReadonlyPaths("/tmp"));
        Assert.That(r.Stdout, Is.EqualTo("regular empty file\ncharacter special file\ntmp=1\netc=0\n"), r.Stderr);
    }

    [Test]
    public async Task A_path_that_cannot_be_masked_fails_the_start_and_names_it()
    {
        using var rootfs = TestRootfs.Create();
        var before = HostSnapshot.Take();
        var e = Assert.ThrowsAsync<ContainerStartException>(() => Sh(rootfs, "true", s => s.WithMaskedPaths("/etc/marker/below")));
        Assert.That(e!.Message, Does.Contain("mount(mask /etc/marker/below)").And.Contain("ENOTDIR"));
        await HostSnapshot.AssertUnchangedSince(before);
    }
}
