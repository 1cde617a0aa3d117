using Containment.IntegrationTests.Support;

namespace Containment.IntegrationTests.Escapes;

/// <summary>
/// Descriptors the runtime holds (the rootfs, bind sources, cgroup files, namespace files, its channel to the host)
/// leaking into the container's program: each would be a handle on something outside the container.
/// </summary>
public class LeakedDescriptorTests
{
    private static int[] Numbers(Run.Result r)
    {
        Assert.That(r.Exit.ExitCode, Is.EqualTo(0), r.Stderr);
        TestContext.Out.WriteLine(r.Stdout);
        return r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => int.Parse(l.Split(' ')[0])).Order().ToArray();
    }

    private static TestRootfs Rootfs()
    {
        var rootfs = TestRootfs.Create();
        EscapeProbe.InstallInto(rootfs);
        return rootfs;
    }

    [Test]
    public async Task A_default_container_holds_only_its_standard_streams()
    {
        using var rootfs = Rootfs();
        var data = Directory.CreateTempSubdirectory("containment-escape-data-").FullName;
        try
        {
            var before = HostSnapshot.TakeSettled();
            // A bind and a cgroup: more for the runtime to hold while it sets up.
            var r = await Run.ToCompletion(ContainerSpec.FromRootfs(rootfs.Path).WithCgroup(c => c.PidsMax(16))
                .WithMounts(m => m.Bind(data, "/data")).WithProcess(p => p.Args("/bin/escape", "fds")));
            Assert.That(Numbers(r), Is.EqualTo(new[] { 0, 1, 2 }));
            await HostSnapshot.AssertUnchangedSince(before);
        }
        finally
        {
            Directory.Delete(data);
        }
    }

    [Test]
    public async Task A_container_given_one_file_holds_its_standard_streams_and_that_file()
    {
        using var rootfs = Rootfs();
        var path = Path.Combine(rootfs.Path, "tmp/passed");
        File.WriteAllText(path, "passed\n");
        using var file = File.OpenHandle(path);
        var r = await Run.ToCompletion(ContainerSpec.FromRootfs(rootfs.Path).WithProcess(p => p.Args("/bin/escape", "fds").PassFile(file)));
        Assert.That(Numbers(r), Is.EqualTo(new[] { 0, 1, 2, 3 }));
        Assert.That(r.Stdout, Does.Match(@"\n3 /\S*/tmp/passed\n"));
    }

    [Test]
    public async Task A_process_execd_into_a_running_container_holds_only_its_standard_streams()
    {
        using var rootfs = Rootfs();
        await using var first = await ContainerProcess.StartAsync(ContainerSpec.FromRootfs(rootfs.Path).WithCgroup(c => c.PidsMax(16))
            .WithProcess(p => p.Args("/bin/sleep", "60")));
        var r = await Run.ToCompletion(ContainerSpec.JoinRunning(first.Pid).WithProcess(p => p.Args("/bin/escape", "fds")));
        Assert.That(Numbers(r), Is.EqualTo(new[] { 0, 1, 2 }));
    }

    [Test]
    public async Task A_container_from_runcs_default_config_holds_only_its_standard_streams()
    {
        using var rootfs = Rootfs();
        var r = await Run.ToCompletion(Attack.RuncDefault(rootfs, "/bin/escape fds"));
        Assert.That(Numbers(r), Is.EqualTo(new[] { 0, 1, 2 }));
    }
}
