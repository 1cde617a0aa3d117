namespace Containment.IntegrationTests.Escapes;

/// <summary>
/// CVE-2016-9962 class: a container process attaches to, reads the memory of, or takes the descriptors of the
/// runtime's setup process while it execs into the container (before the exec replaces it with the container's program).
/// </summary>
public class SetupProcessPtraceTests
{
    [Test]
    public async Task A_container_process_cannot_ptrace_read_or_take_the_descriptors_of_a_process_being_execd_into_it()
    {
        var r = await SetupRace.RunAsync(execs: 60);
        Assert.That(r.Seen, Is.GreaterThan(0), "the probe never saw a setup process: the race proves nothing");
        Assert.Multiple(() =>
        {
            foreach (var attempt in new[] { "ptrace-seize", "process_vm_readv", "mem-open", "fd-open" })
                Assert.That(r[attempt].Ok, Is.Zero, $"{attempt} reached the setup process");
            Assert.That(r.Landed, Is.Empty, "descriptors taken from the setup process");
        });
    }
}
