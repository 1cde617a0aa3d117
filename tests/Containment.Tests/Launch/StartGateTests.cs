using Containment.Interop;

namespace Containment.Tests.Launch;

/// <summary>
/// The start FIFO of a created container (<c>create</c>, then <c>start</c>). The waiting process writes one byte and
/// execs; a short program can exit and be reaped at once. Found by 1,000 concurrent create/start/delete on a fresh
/// machine: 2 starts failed with "exited before it was started" because the gate read (nothing yet), then looked for
/// the process (gone: it had written, run and exited in between) and gave up without reading again.
/// </summary>
public class StartGateTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("startgate-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task A_process_that_wrote_its_byte_and_exited_between_read_and_probe_counts_as_started()
    {
        var fifo = Path.Combine(_dir, "exec.fifo");
        ContainerStartGate.Create(fifo);
        // The "container": a writer end held here (O_RDWR does not wait for a reader). The probe plays the race: the
        // first time it is asked, the process writes its byte and is gone.
        using var writer = File.Open(fifo, FileMode.Open, FileAccess.ReadWrite);
        var probes = 0;
        bool Probe()
        {
            if (probes++ > 0)
                return false;
            writer.Write([(byte)'0']);
            writer.Flush();
            return false;
        }

        await ContainerStartGate.OpenAsync(fifo, Probe, "exited before it was started", CancellationToken.None);

        Assert.That(File.Exists(fifo), Is.False, "the FIFO is removed once used");
    }

    [Test]
    public void A_process_gone_without_its_byte_fails_the_start_naming_it()
    {
        var fifo = Path.Combine(_dir, "exec.fifo");
        ContainerStartGate.Create(fifo);

        var e = Assert.ThrowsAsync<ContainmentException>(() =>
            ContainerStartGate.OpenAsync(fifo, () => false, "process 42 exited before it was started", CancellationToken.None));

        Assert.That(e!.Message, Does.Contain("process 42 exited before it was started"));
    }

    [Test]
    public async Task A_live_process_is_waited_for_until_its_byte_arrives()
    {
        var fifo = Path.Combine(_dir, "exec.fifo");
        ContainerStartGate.Create(fifo);
        var writing = Task.Run(async () =>
        {
            await Task.Delay(120); // past the gate's first poll timeout
            await using var writer = File.OpenWrite(fifo); // blocks until the gate has opened its end, as the child's open
            writer.Write([(byte)'0']);
        });

        await ContainerStartGate.OpenAsync(fifo, () => !writing.IsCompleted, "exited before it was started", CancellationToken.None);
        await writing;

        Assert.That(File.Exists(fifo), Is.False);
    }
}
