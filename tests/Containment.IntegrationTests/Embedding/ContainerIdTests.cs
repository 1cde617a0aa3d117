namespace Containment.IntegrationTests.Embedding;

/// <summary>Issue 15, trap 7: container ids follow runc's rules and are unique among this host's live containers.</summary>
public class ContainerIdTests
{
    private static CancellationToken Hang => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    private static ContainerSpec Sleeper => ContainerSpec.HostReadOnly().WithCgroup(c => c.PidsMax(16)).WithProcess(p => p.Args("sleep", "60"));

    [TestCase("has space")]
    [TestCase("..")]
    [TestCase("a/b")]
    [TestCase("")]
    public void An_id_outside_runcs_rules_is_refused(string id)
    {
        var e = Assert.ThrowsAsync<ContainerSpecException>(() => ContainerProcess.StartAsync(Sleeper, new ContainerStartOptions { Id = id }, Hang));
        Assert.That(e!.Errors.Select(x => x.Field), Does.Contain("id"));
    }

    [Test]
    public async Task A_second_live_container_with_the_same_id_is_refused_and_the_id_is_free_again_once_disposed()
    {
        var id = "containment-test-api-" + Guid.NewGuid().ToString("N")[..8];
        await using (var first = await ContainerProcess.StartAsync(Sleeper, new ContainerStartOptions { Id = id }, Hang))
        {
            var e = Assert.ThrowsAsync<ContainerSpecException>(() => ContainerProcess.StartAsync(Sleeper, new ContainerStartOptions { Id = id }, Hang));
            Assert.That(e!.Message, Does.Contain("already running"));
            Assert.That(first.HasExited, Is.False);
        }
        await using var again = await ContainerProcess.StartAsync(Sleeper, new ContainerStartOptions { Id = id }, Hang);
        Assert.That(again.Id, Is.EqualTo(id));
    }

    [Test]
    public async Task Two_containers_whose_cgroups_resolve_to_one_directory_are_refused()
    {
        var path = "/containment-test-api-" + Guid.NewGuid().ToString("N")[..8];
        await using var first = await ContainerProcess.StartAsync(Sleeper.WithCgroupsPath(path), Hang);
        var e = Assert.ThrowsAsync<ContainerSpecException>(() => ContainerProcess.StartAsync(Sleeper.WithCgroupsPath(path), Hang));
        Assert.That(e!.Message, Does.Contain("already the cgroup of running container"));
    }
}
