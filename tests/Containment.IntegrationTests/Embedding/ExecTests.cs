using Containment.Capabilities;
using Containment.IntegrationTests.Support;

namespace Containment.IntegrationTests.Embedding;

/// <summary>Issue 15, trap 6, and issue 13 item 6: exec with the OCI defaults; a paused container is refused at once.</summary>
public class ExecTests
{
    private static CancellationToken Hang => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    [Test]
    public async Task An_exec_runs_with_the_containers_environment_user_directory_capabilities_and_seccomp()
    {
        var spec = ContainerSpec.HostReadOnly().WithSeccomp(null).WithCapabilities(CapabilitySet.Empty)
            .WithProcess(p => p.Args("sleep", "60").Env("FOO", "from-the-container").WorkingDirectory("/tmp").User(1234, 1234));
        await using var c = await ContainerProcess.StartAsync(spec, Hang);
        await using var exec = await c.ExecAsync(p => p.Args("/bin/sh", "-c", "echo $FOO; pwd; id -u; grep -E '^(CapEff|Seccomp):' /proc/self/status"),
            cancellationToken: Hang);
        var output = await exec.StandardOutput!.ReadToEndAsync(Hang);
        Assert.That((await exec.WaitForExitAsync(Hang)).ExitCode, Is.EqualTo(0));
        Assert.That(output, Is.EqualTo("from-the-container\n/tmp\n1234\nCapEff:\t0000000000000000\nSeccomp:\t0\n"));
    }

    [Test]
    public async Task An_exec_takes_the_same_run_and_stop_api()
    {
        await using var c = await ContainerProcess.StartAsync(ContainerSpec.HostReadOnly().WithProcess(p => p.Args("sleep", "60")), Hang);
        await using var exec = await c.ExecAsync(p => p.Args("/bin/sh", "-c", "trap 'exit 5' TERM; echo ready; while :; do sleep 0.1; done"), cancellationToken: Hang);
        Assert.That(await exec.StandardOutput!.ReadLineAsync(Hang), Is.EqualTo("ready"));
        Assert.That((await exec.StopAsync(TimeSpan.FromSeconds(20), Hang)).ExitCode, Is.EqualTo(5));
        Assert.That(c.HasExited, Is.False, "stopping the exec leaves the container running");
    }

    [Test]
    public async Task An_exec_into_a_paused_container_fails_at_once_with_a_clear_error()
    {
        await using var c = await ContainerProcess.StartAsync(ContainerSpec.HostReadOnly().WithCgroup(g => g.PidsMax(64))
            .WithProcess(p => p.Args("sleep", "60")), Hang);
        await c.Cgroup!.PauseAsync(Hang);
        try
        {
            var e = Assert.ThrowsAsync<ContainmentException>(() => c.ExecAsync(p => p.Args("true"), cancellationToken: Hang));
            Assert.That(e!.Message, Does.Contain("paused"));
            var joined = Assert.ThrowsAsync<ContainmentException>(() => ContainerProcess.StartAsync(ContainerSpec.JoinRunning(c.Pid).WithProcess(p => p.Args("true")), Hang));
            Assert.That(joined!.Message, Does.Contain("paused").And.Contain("freezer.state").Or.Contain("cgroup.freeze"));
        }
        finally
        {
            await c.Cgroup.ResumeAsync(Hang);
        }
    }

    [Test]
    public async Task Cancelling_an_exec_that_is_stuck_in_a_frozen_cgroup_returns_promptly()
    {
        await using var c = await ContainerProcess.StartAsync(ContainerSpec.HostReadOnly().WithCgroup(g => g.PidsMax(64))
            .WithProcess(p => p.Args("sleep", "60")), Hang);
        await c.Cgroup!.PauseAsync(Hang);
        try
        {
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            var exec = ContainerProcess.StartAsync(ContainerSpec.JoinRunning(c.Pid, c.Spec).WithProcess(p => p.Args("true")),
                new ContainerStartOptions { SkipPausedCheck = true }, cancel.Token);
            // A hang shows as the task still running long after the cancellation (no time is asserted otherwise).
            var finished = await Task.WhenAny(exec, Task.Delay(TimeSpan.FromSeconds(30))) == exec;
            Assert.That(finished, Is.True, "the cancelled exec is still blocked");
            Assert.That(exec.IsCanceled || exec.Exception?.InnerException is OperationCanceledException, Is.True, $"status {exec.Status}: {exec.Exception}");
        }
        finally
        {
            await c.Cgroup.ResumeAsync(Hang);
        }
    }
}
