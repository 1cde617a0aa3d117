using System.Diagnostics;
using System.Globalization;
using Containment.Namespaces;
using Containment.Oci;

namespace Containment.IntegrationTests.Embedding;

/// <summary>
/// A spec that joins a running process by pid must not join whatever process the pid names later: once the container
/// exits and is reaped its pid is recycled (pid_max 32768 wraps within a test run), and an exec then would join a
/// stranger's namespaces and cgroup. The launch refuses it, naming the pid.
/// </summary>
[NonParallelizable] // the recycling test steers the host's next pid
public class JoinRecycledPidTests
{
    private const string NsLastPid = "/proc/sys/kernel/ns_last_pid";

    private static CancellationToken Hang => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    [Test]
    public async Task Joining_a_container_that_has_exited_is_refused_naming_its_pid()
    {
        var (pid, spec) = await JoinThenExit();
        var e = Assert.CatchAsync<ContainmentException>(() => ContainerProcess.StartAsync(spec, Hang));
        Assert.That(e!.Message, Does.Contain($"process {pid}").And.Contain("exited"));
    }

    [Test]
    public async Task Joining_a_pid_recycled_by_another_process_is_refused_naming_the_pid()
    {
        if (!File.Exists(NsLastPid))
            Assert.Ignore($"{NsLastPid} is missing (a kernel without CONFIG_CHECKPOINT_RESTORE): no pid can be recycled on purpose");
        var (pid, spec) = await JoinThenExit();
        var stranger = StartWithPid(pid);
        try
        {
            // The stranger is a host process: joining it would run the exec in the host's namespaces.
            var e = Assert.CatchAsync<ContainmentException>(() => ContainerProcess.StartAsync(spec, Hang));
            Assert.That(e!.Message, Does.Contain($"process {pid}").And.Contain("another process"));
        }
        finally
        {
            stranger.Dispose();
        }
    }

    [Test]
    public async Task An_exec_by_a_recorded_identity_whose_start_time_differs_is_refused()
    {
        await using var c = await ContainerProcess.StartAsync(ContainerSpec.HostReadOnly().WithProcess(p => p.Args("sleep", "60")), Hang);
        // As the CLI's exec joins a recorded init: by pid and start time.
        var init = ProcessIdentity.Of(c.Pid)!.Value;
        var spec = ContainerSpec.JoinRunning(init, c.Spec).WithProcess(p => p.Args("true"));
        var stale = ContainerSpec.JoinRunning(init with { StartTime = init.StartTime - 1 }, c.Spec).WithProcess(p => p.Args("true"));
        var e = Assert.CatchAsync<ContainmentException>(() => ContainerProcess.StartAsync(stale, Hang));
        Assert.That(e!.Message, Does.Contain($"process {c.Pid}").And.Contain("another process"));
        await using var exec = await ContainerProcess.StartAsync(spec, Hang);
        Assert.That((await exec.WaitForExitAsync(Hang)).ExitCode, Is.EqualTo(0), "the recorded identity itself is joined");
    }

    /// <summary>A spec that joins a container made for it, and the container's pid, once the container is gone.</summary>
    private static async Task<(int Pid, ContainerSpec Spec)> JoinThenExit()
    {
        var c = await ContainerProcess.StartAsync(ContainerSpec.HostReadOnly().WithProcess(p => p.Args("sleep", "60")), Hang);
        var spec = ContainerSpec.JoinRunning(c.Pid, c.Spec).WithProcess(p => p.Args("true"));
        Assert.That(spec.Namespaces.Settings.Any(s => s.Value is NamespaceSetting.JoinNamespace), "the spec joins the container's namespaces");
        var pid = c.Pid;
        // A start time counts clock ticks (10 ms): a pid recycled within the tick its first owner started in looks the
        // same. Wrapping pid_max takes far longer than that; only a steered ns_last_pid (root) recycles that fast, so the
        // container lives past its start tick before the stranger takes its pid (failed once in CI without this).
        await Task.Delay(30);
        await c.DisposeAsync();
        Assert.That(Directory.Exists($"/proc/{pid}"), Is.False, "the container is reaped");
        return (pid, spec);
    }

    /// <summary>
    /// A host process with exactly <paramref name="pid"/> (a shell's child, which the shell waits for): the next pid the
    /// kernel hands out follows <c>/proc/sys/kernel/ns_last_pid</c>, which root may set, so the start is retried while
    /// other work takes the pid first. The shell forks the child right after the write, unlike .NET, which may start a
    /// thread (another pid) first.
    /// </summary>
    private static Stranger StartWithPid(int pid)
    {
        var got = new List<int>();
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var shell = Process.Start(new ProcessStartInfo("/bin/sh", ["-c",
                $"echo {pid - 1} > {NsLastPid}; sleep 60 & echo $!; wait $!"]) { RedirectStandardOutput = true })!;
            var child = int.Parse(shell.StandardOutput.ReadLine()!, CultureInfo.InvariantCulture);
            var stranger = new Stranger(shell, child);
            if (child == pid)
                return stranger;
            got.Add(child);
            stranger.Dispose();
        }
        Assert.Fail($"could not start a process with the recycled pid {pid} in 100 attempts (got {string.Join(' ', got.Take(10))})");
        throw new UnreachableException();
    }

    /// <summary>The shell's child, killed by its pid while the shell still waits for it (so the pid is still the child's).</summary>
    private sealed record Stranger(Process Shell, int Pid) : IDisposable
    {
        public void Dispose()
        {
            Process.GetProcessById(Pid).Kill();
            Shell.WaitForExit();
            Shell.Dispose();
        }
    }
}
