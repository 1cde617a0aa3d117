using Containment.Launch;

namespace Containment.IntegrationTests.Escapes;

/// <summary>
/// CVE-2019-5736 class: a container process opens the runtime's binary for writing through /proc/PID/exe of a
/// process the host is exec'ing into the container, to replace what the host runs next.
/// </summary>
public class RuntimeOverwriteTests
{
    [Test]
    public async Task The_runtime_binary_cannot_be_opened_for_writing_through_proc_exe_of_a_process_being_execd()
    {
        string[] hostBinaries = [ExecutorImage.Path, "/proc/self/exe", Support.TestRootfs.Busybox];
        // The executor's memfd is created on first use: start something first so that it exists to be hashed.
        await Support.Run.Shell("true");
        var before = hostBinaries.Select(SetupRace.Hash).ToList();

        var r = await SetupRace.RunAsync(execs: 60);

        Assert.That(r.Seen, Is.GreaterThan(0), "the probe never saw a setup process: the race proves nothing");
        Assert.Multiple(() =>
        {
            Assert.That(r["exe-open-wronly"].Ok, Is.Zero, "/proc/PID/exe opened O_WRONLY");
            Assert.That(r["exe-open-rdwr"].Ok, Is.Zero, "/proc/PID/exe opened O_RDWR");
            Assert.That(r["exe-write"].Ok, Is.Zero, "the runtime binary was written");
            Assert.That(hostBinaries.Select(SetupRace.Hash), Is.EqualTo(before), "a host binary changed");
        });
    }
}
