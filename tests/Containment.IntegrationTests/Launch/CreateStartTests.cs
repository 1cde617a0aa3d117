using Containment.IntegrationTests.Support;

namespace Containment.IntegrationTests.Launch;

public class CreateStartTests
{
    [Test]
    public async Task A_created_container_waits_set_up_until_its_start_gate_opens()
    {
        var dir = Directory.CreateTempSubdirectory("containment-test-gate-").FullName;
        try
        {
            var fifo = Path.Combine(dir, "exec.fifo");
            var output = Path.Combine(dir, "out");
            ContainerStartGate.Create(fifo);
            var spec = ContainerSpec.HostReadOnly().WithHostname("created")
                .WithProcess(p => p.Args("/bin/sh", "-c", "hostname; echo $$").StandardOutput(Stdio.File(output)).StandardError(Stdio.Null));
            int pid;
            await using (var c = await ContainerProcess.StartAsync(spec, new ContainerStartOptions { Detached = true, StartFifo = fifo }))
                pid = c.Pid;

            await Task.Delay(100);
            Assert.That(Directory.Exists($"/proc/{pid}"), Is.True, "the created process waits");
            Assert.That(File.ReadAllText(output), Is.Empty, "nothing ran before start");

            await ContainerStartGate.OpenAsync(fifo, pid);
            for (var i = 0; i < 200 && Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(" Z "); i++)
                await Task.Delay(10);
            Assert.That(File.ReadAllText(output), Is.EqualTo("created\n1\n"));
            Assert.That(File.Exists(fifo), Is.False, "the gate is used once");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public async Task Opening_the_gate_of_a_dead_container_fails()
    {
        var dir = Directory.CreateTempSubdirectory("containment-test-gate-").FullName;
        try
        {
            var fifo = Path.Combine(dir, "exec.fifo");
            ContainerStartGate.Create(fifo);
            int pid;
            await using (var c = await ContainerProcess.StartAsync(
                ContainerSpec.HostReadOnly().WithProcess(p => p.Args("true").StandardOutput(Stdio.Null).StandardError(Stdio.Null)),
                new ContainerStartOptions { Detached = true, StartFifo = fifo }))
                pid = c.Pid;
            System.Diagnostics.Process.GetProcessById(pid).Kill();
            for (var i = 0; i < 100 && Directory.Exists($"/proc/{pid}"); i++)
                await Task.Delay(10);
            Assert.ThrowsAsync<ContainmentException>(() => ContainerStartGate.OpenAsync(fifo, pid));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public async Task A_process_can_join_a_running_container()
    {
        await using var first = await ContainerProcess.StartAsync(ContainerSpec.HostReadOnly().WithHostname("joined")
            .WithCgroup(c => c.PidsMax(16)).WithProcess(p => p.Args("sleep", "60")));
        var r = await Run.ToCompletion(ContainerSpec.JoinRunning(first.Pid)
            .WithProcess(p => p.Args("/bin/sh", "-c", "hostname; cat /proc/1/cmdline | tr '\\0' ' '; echo; echo $$; grep pids /proc/self/cgroup").WorkingDirectory("/tmp")));
        var lines = r.Stdout.Split('\n');
        Assert.That(lines[0], Is.EqualTo("joined"), r.Stderr);
        Assert.That(lines[1], Is.EqualTo("sleep 60 "));
        Assert.That(int.Parse(lines[2]), Is.GreaterThan(1), "a new process in the container's pid namespace");
        Assert.That(lines[3], Does.EndWith(":pids:/"), "in the container's cgroup (the cgroup namespace's root)");
        Assert.That(first.Cgroup!.GetProcesses(), Has.Count.EqualTo(1), "the joined process has exited; only init is left");
    }
}
