using Containment.IntegrationTests.Runtime;
using Containment.IntegrationTests.Support;

namespace Containment.IntegrationTests.Escapes;

/// <summary>
/// The host descriptors the executor receives (cgroup directory, cgroup.procs, namespace files, bind trees, the start
/// FIFO, the container's stdio) are closed after their last use: neither the monitor, for the container's whole life,
/// nor a created container's init, through its wait for start, holds one.
/// </summary>
public class HeldDescriptorTests
{
    /// <summary>What the process's descriptors above its standard streams point at.</summary>
    private static List<string> Targets(int pid) =>
        Directory.GetFiles($"/proc/{pid}/fd").Where(fd => int.Parse(Path.GetFileName(fd)) > 2)
            .Select(fd => new FileInfo(fd).LinkTarget ?? "?").ToList();

    private static int ParentOf(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
    }

    [Test]
    public async Task The_monitor_holds_only_its_sockets_and_the_pidfd_while_the_container_runs()
    {
        using var rootfs = TestRootfs.Create();
        var data = Directory.CreateTempSubdirectory("containment-test-held-").FullName;
        try
        {
            await using var c = await ContainerProcess.StartAsync(ContainerSpec.FromRootfs(rootfs.Path).WithCgroup(g => g.PidsMax(16))
                .WithMounts(m => m.Bind(data, "/data")).WithProcess(p => p.Args("/bin/sleep", "100")));
            var held = Targets(ParentOf(c.Pid));
            TestContext.Out.WriteLine(string.Join("\n", held));
            Assert.That(held, Has.All.StartsWith("socket:").Or.EqualTo("anon_inode:[pidfd]"));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Test]
    public void A_created_container_holds_only_its_stdio_channel_and_start_fifo_while_it_waits()
    {
        using var cli = new RuntimeCli();
        cli.WriteConfig(["sleep", "100"]);
        var pidFile = Path.Combine(cli.Bundle, "pid");
        Assert.That(cli.Run("create", "--bundle", cli.Bundle, "--pid-file", pidFile, "held").ExitCode, Is.Zero);
        var held = Targets(int.Parse(File.ReadAllText(pidFile)));
        TestContext.Out.WriteLine(string.Join("\n", held));
        Assert.That(held.Where(t => !t.StartsWith("socket:") && !t.EndsWith("exec.fifo")), Is.Empty);
    }
}
