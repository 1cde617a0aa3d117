namespace Containment.IntegrationTests.Launch;

/// <summary>The executor runs from a memfd (<c>/proc/self/fd/N</c>): without a name of its own, <c>ps</c> shows it as a number.</summary>
public class ExecutorNameTests
{
    [Test]
    public async Task Ps_shows_the_executor_as_containment_exe()
    {
        await using var c = await ContainerProcess.StartAsync(ContainerSpec.HostReadOnly()
            .WithProcess(p => p.Args("/bin/sleep", "100").StandardOutput(Stdio.Null).StandardError(Stdio.Null)));
        var stat = File.ReadAllText($"/proc/{c.Pid}/stat");
        var monitor = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
        Assert.That(File.ReadAllText($"/proc/{monitor}/comm").Trim(), Is.EqualTo("containment-exe"));
        Assert.That(File.ReadAllText($"/proc/{monitor}/cmdline").TrimEnd('\0'), Is.EqualTo("containment-executor"));
    }
}
