using Containment.Cgroups;
using Containment.IntegrationTests.Support;

namespace Containment.IntegrationTests.Embedding;

/// <summary>Issue 15, trap 5: an exit is the OOM killer's only when the OOM killer killed that process.</summary>
public class OomAttributionTests
{
    private static CancellationToken Hang => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    private static ContainerSpec Limited(string script) => ContainerSpec.HostReadOnly()
        .WithCgroup(c => c.MemoryMax(32 * ByteSize.MiB))
        .WithProcess(p => p.Args("/bin/sh", "-c", script));

    [Test]
    public async Task The_hosts_kill_in_a_cgroup_that_had_an_OOM_kill_is_the_hosts()
    {
        await using var c = await ContainerProcess.StartAsync(Limited("tail /dev/zero; echo child-died; exec sleep 60"), Hang);
        Assert.That(await c.StandardOutput!.ReadLineAsync(Hang), Is.EqualTo("child-died"));
        c.Kill();
        var exit = await c.WaitForExitAsync(Hang);
        Assert.That((exit.Signal, exit.OomKilled, exit.KilledByHost), Is.EqualTo(((Signal?)Signal.Kill, false, true)));
        Assert.That(exit.OomKills, Is.GreaterThanOrEqualTo(1));
        Assert.That(exit.ToString(), Does.Contain("from the host").And.Contain("killed by the OOM killer"));
    }

    [Test]
    public async Task A_shell_whose_child_was_OOM_killed_reports_the_count_not_its_own_OOM_kill()
    {
        var r = await ContainerProcess.RunAsync(Limited("tail /dev/zero; exit $?"), null, Hang);
        Assert.That((r.Exit.ExitCode, r.Exit.OomKilled), Is.EqualTo(((int?)137, false)));
        Assert.That(r.Exit.OomKills, Is.GreaterThanOrEqualTo(1));
        Assert.That(r.Exit.ToString(), Is.EqualTo($"exited with code 137 ({r.Exit.OomKills} of its processes killed by the OOM killer)"));
    }

    [Test]
    public async Task A_process_the_OOM_killer_killed_is_reported_as_its()
    {
        var r = await ContainerProcess.RunAsync(Limited("exec tail /dev/zero"), null, Hang);
        Assert.That((r.Exit.Signal, r.Exit.OomKilled, r.Exit.KilledByHost), Is.EqualTo(((Signal?)Signal.Kill, true, false)));
        Assert.That(r.Exit.ToString(), Is.EqualTo("killed by the OOM killer: memory limit 32 MiB"));
    }
}
