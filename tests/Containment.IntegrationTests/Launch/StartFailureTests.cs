using Containment.IntegrationTests.Support;
using Containment.Launch;

namespace Containment.IntegrationTests.Launch;

public class StartFailureTests
{
    private static ContainerSpec Spec(TestRootfs rootfs) =>
        ContainerSpec.FromRootfs(rootfs.Path).WithHostname("fail").WithProcess(p => p.Args("/bin/true"));

    [Test]
    public async Task A_failure_at_every_step_is_reported_by_step_and_leaves_nothing_behind()
    {
        using var rootfs = TestRootfs.Create();
        var spec = Spec(rootfs);
        using var sources = Containment.Mounts.MountSources.Open(spec); // as the launch opens them (the rootfs: one checked step)
        var steps = PlanCompiler.Compile(spec, new LaunchInputs { MountSources = sources }).Steps.Count;
        Assert.That(steps, Is.GreaterThan(20));

        await Run.ToCompletion(spec); // warm up: the executor memfd and thread pool exist before the snapshot
        var before = HostSnapshot.Take();
        for (var step = 0; step < steps; step++)
        {
            var options = new ContainerStartOptions { FailAtStep = step, InjectedErrno = Interop.Errno.EXDEV };
            var e = Assert.ThrowsAsync<ContainerStartException>(() => ContainerProcess.StartAsync(spec, options), $"step {step}");
            Assert.That(e!.Errno, Is.EqualTo(Interop.Errno.EXDEV));
            Assert.That(e.Step, Is.EqualTo(step));
            Assert.That(e.Message, Does.Contain("test-fail(injected): EXDEV"));
        }
        await HostSnapshot.AssertUnchangedSince(before);
    }

    [Test]
    public async Task Concurrent_starts_failing_before_release_all_report_the_childs_error()
    {
        // The child fails before it reads the monitor's release: the monitor must still forward its report,
        // not mistake the closed channel for a successful exec.
        var spec = ContainerSpec.HostReadOnly().WithProcess(p => p.Args("/bin/true"));
        var starts = Enumerable.Range(0, 100).Select(async _ =>
        {
            try
            {
                await using var c = await ContainerProcess.StartAsync(spec, new ContainerStartOptions { FailAtStep = 1, InjectedErrno = Interop.Errno.EXDEV });
                return "started";
            }
            catch (ContainerStartException e)
            {
                return e.ErrnoName;
            }
        });
        Assert.That(await Task.WhenAll(starts), Has.All.EqualTo("EXDEV"));
    }

    [Test]
    public async Task A_missing_program_fails_at_execve_with_ENOENT_and_leaves_nothing_behind()
    {
        await Run.Shell("true");
        var before = HostSnapshot.Take();
        var e = Assert.ThrowsAsync<ContainerStartException>(() =>
            ContainerProcess.StartAsync(ContainerSpec.HostReadOnly().WithProcess(p => p.Args("/no/such/program"))));
        Assert.That(e!.Syscall, Is.EqualTo("execve"));
        Assert.That(e.Subject, Is.EqualTo("/no/such/program"));
        Assert.That(e.ErrnoName, Is.EqualTo("ENOENT"));
        await HostSnapshot.AssertUnchangedSince(before);
    }

    [Test]
    public async Task A_working_directory_missing_in_the_rootfs_fails_at_chdir()
    {
        using var rootfs = TestRootfs.Create();
        var e = Assert.ThrowsAsync<ContainerStartException>(() =>
            ContainerProcess.StartAsync(Spec(rootfs).WithProcess(p => p.WorkingDirectory("/nowhere"))));
        Assert.That(e!.Message, Does.Contain("chdir(/nowhere): ENOENT"));
        await Task.CompletedTask;
    }

    [Test]
    public void Bad_input_is_rejected_before_anything_starts_with_every_problem_listed()
    {
        var spec = ContainerSpec.FromRootfs("relative/rootfs")
            .WithHostname("")
            .WithProcess(p => p.Args().WorkingDirectory("tmp"));
        var e = Assert.ThrowsAsync<ContainerSpecException>(() => ContainerProcess.StartAsync(spec));
        Assert.That(e!.Errors.Select(x => x.Field), Is.EquivalentTo(new[] { "rootfs", "hostname", "process.args", "process.cwd" }));
    }

    [Test]
    public void A_missing_rootfs_is_rejected()
    {
        var e = Assert.ThrowsAsync<ContainerSpecException>(() =>
            ContainerProcess.StartAsync(ContainerSpec.FromRootfs("/no/such/rootfs").WithProcess(p => p.Args("true"))));
        Assert.That(e!.Message, Does.Contain("rootfs: '/no/such/rootfs' does not exist"));
    }

    [Test]
    public async Task Cancelling_a_start_leaves_nothing_behind()
    {
        await Run.Shell("true");
        var before = HostSnapshot.Take();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.CatchAsync<OperationCanceledException>(() => ContainerProcess.StartAsync(ContainerSpec.HostReadOnly().WithProcess(p => p.Args("true")), cts.Token));
        await HostSnapshot.AssertUnchangedSince(before);
    }
}
