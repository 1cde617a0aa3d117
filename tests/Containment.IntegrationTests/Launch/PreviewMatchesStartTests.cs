using Containment.IntegrationTests.Support;
using Containment.Launch;
using Containment.Preview;

namespace Containment.IntegrationTests.Launch;

/// <summary>
/// A preview is the start's own plan: the executor steps <see cref="ContainerProcess.Preview"/> lists are, one for one,
/// those decoded from the plan a real start of the same spec sends to the executor, and the cgroup directories it
/// lists are the ones the start makes.
/// </summary>
public class PreviewMatchesStartTests
{
    [Test]
    public async Task The_preview_lists_the_steps_a_start_sends_to_the_executor()
    {
        var id = "preview-" + Guid.NewGuid().ToString("N")[..8];
        var bound = Directory.CreateTempSubdirectory("preview-bind-");
        try
        {
            var spec = ContainerSpec.HostReadOnly()
                .WithMounts(m => m.Tmpfs("/rw").Bind(bound.FullName, "/data", readOnly: true))
                .WithCgroup(c => c.MemoryMax(64 * Containment.Cgroups.ByteSize.MiB))
                .WithLandlock(l => l.Execute("/usr").ReadWrite("/dev/null", "/rw").WithBestEffort())
                .WithProcess(p => p.Args("/bin/sh", "-c", "echo ran > /rw/x && cat /rw/x"));
            var preview = ContainerProcess.Preview(spec, new ContainerStartOptions { Id = id });

            LaunchPlan? sent = null;
            using var cts = new CancellationTokenSource(Run.Timeout);
            await using var c = await ContainerProcess.StartAsync(spec, new ContainerStartOptions { Id = id, PlanCompiled = p => sent = p }, cts.Token);
            var cgroupPaths = c.Cgroup!.Paths;
            var stdout = await c.StandardOutput!.ReadToEndAsync(cts.Token);
            Assert.That((await c.WaitForExitAsync(cts.Token)).ExitCode, Is.EqualTo(0));
            Assert.That(stdout, Is.EqualTo("ran\n"));

            var performed = PlanPreviewer.Executor(sent!, spec).Select(s => s.ToString()).ToList();
            Assert.That(preview.Where(s => s.Performer != PreviewPerformer.Host).Select(s => s.ToString()), Is.EqualTo(performed));
            Assert.That(preview.Where(s => s.Syscall == "mkdir").Select(s => s.Arguments), Is.EquivalentTo(cgroupPaths));
            Assert.That(performed, Has.Some.StartsWith("child   landlock_add_rule(/rw: "));
            Assert.That(performed, Has.Some.Contains("/data"));
        }
        finally
        {
            bound.Delete();
        }
    }
}
