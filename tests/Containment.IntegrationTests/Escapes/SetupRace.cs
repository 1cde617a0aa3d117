using System.Security.Cryptography;
using Containment.IntegrationTests.Support;

namespace Containment.IntegrationTests.Escapes;

/// <summary>
/// A default container whose only process is <c>escape race</c> while the host execs <c>/bin/true</c> into it again
/// and again (<see cref="ContainerSpec.JoinRunning"/>): each exec's setup process is visible in the container's
/// pid namespace from its clone to its exec, and the probe attacks it there.
/// </summary>
internal static class SetupRace
{
    /// <summary>
    /// One attempt's outcome: how often it worked on the setup process, how often only on the program it exec'd, how
    /// often it was refused, and with which errnos.
    /// </summary>
    public sealed record Tally(long Ok, long Late, long Denied, string Errnos);

    /// <summary>What the probe reported.</summary>
    public sealed record Result(long Scans, long Seen, IReadOnlyDictionary<string, Tally> Tallies, IReadOnlyList<string> Landed, string Output)
    {
        public Tally this[string attempt] => Tallies[attempt];
    }

    /// <summary>Runs <paramref name="execs"/> execs into the container while the probe attacks them.</summary>
    public static async Task<Result> RunAsync(int execs)
    {
        using var rootfs = TestRootfs.Create();
        EscapeProbe.InstallInto(rootfs);
        var spec = ContainerSpec.FromRootfs(rootfs.Path).WithProcess(p => p.Args("/bin/escape", "race").StandardInput(Stdio.Pipe));
        string output;
        await using (var c = await ContainerProcess.StartAsync(spec))
        {
            Assert.That(await c.StandardOutput!.ReadLineAsync(), Is.EqualTo("ready"));
            var hung = new List<string>();
            for (var i = 0; i < execs && hung.Count == 0; i++)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                try
                {
                    await using var exec = await ContainerProcess.StartAsync(ContainerSpec.JoinRunning(c.Pid).WithProcess(p => p.Args("/bin/true")), timeout.Token);
                    var exit = await exec.WaitForExitAsync(timeout.Token);
                    Assert.That(exit.ExitCode, Is.EqualTo(0), exit.ToString());
                }
                catch (OperationCanceledException)
                {
                    hung.Add($"exec {i} did not finish in 15 s");
                }
            }
            c.StandardInput!.Close();
            using var drain = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                output = await c.StandardOutput.ReadToEndAsync(drain.Token);
            }
            catch (OperationCanceledException)
            {
                output = "probe did not finish";
            }
            output = string.Join("\n", hung.Append(output));
        }
        TestContext.Out.WriteLine(output);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Some.StartsWith("scans "), "the race did not complete");
        long Number(string key) => long.Parse(lines.Single(l => l.StartsWith(key + ' ', StringComparison.Ordinal)).Split(' ')[1]);
        var tallies = lines.Where(l => l.Contains(" ok=", StringComparison.Ordinal)).Select(l => l.Split(' ')).ToDictionary(
            f => f[0], f => new Tally(long.Parse(f[1][3..]), long.Parse(f[2][5..]), long.Parse(f[3][7..]), f[4][7..]));
        var landed = lines.Where(l => l.StartsWith("landed ", StringComparison.Ordinal)).Select(l => l[7..]).ToList();
        return new Result(Number("scans"), Number("seen"), tallies, landed, output);
    }

    /// <summary>SHA-256 of a file, hex.</summary>
    public static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
}
