using System.Diagnostics;
using Containment.IntegrationTests.Support;

namespace Containment.IntegrationTests.Runtime;

/// <summary>
/// `containment create/start/exec/delete` SIGKILLed at random moments: `delete --force ID` then succeeds (or the id is
/// unknown) and nothing is left — no state folder, no cgroup directory, no process. The seed is printed; set
/// CONTAINMENT_FAULT_SEED to replay a run.
/// </summary>
[NonParallelizable]
public class CliKillTests
{
    private const int Iterations = 8;

    [TestCase("create")]
    [TestCase("start")]
    [TestCase("exec")]
    [TestCase("delete")]
    public async Task A_command_killed_at_a_random_moment_is_cleaned_up_by_delete_force(string command)
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("CONTAINMENT_FAULT_SEED"), out var s) ? s : Random.Shared.Next();
        TestContext.Progress.WriteLine($"{command}: seed {seed} (CONTAINMENT_FAULT_SEED={seed} replays it)");
        var random = new Random(seed);
        using var cli = new RuntimeCli();
        cli.WriteConfig(["sleep", "1000"], c => c["linux"]!["resources"]!["pids"] = new System.Text.Json.Nodes.JsonObject { ["limit"] = 32 });
        using var subreaper = new Subreaper(); // a created container's init is its caller's, as under a shim
        var childrenBefore = HostSnapshot.ChildPids();
        var mountsBefore = HostSnapshot.MountPoints();
        var window = 0.0;
        for (var i = 0; i <= Iterations; i++)
        {
            var id = $"k{i}-{Guid.NewGuid():N}"[..12];
            Prepare(cli, command, id);
            var args = Args(cli, command, id);
            using var victim = cli.Launch(args);
            var clock = Stopwatch.StartNew();
            if (i == 0)
            {
                // The calibration run: the command's whole duration is the window the kills fall in.
                await victim.WaitForExitAsync();
                window = clock.Elapsed.TotalMilliseconds;
                Assert.That(victim.ExitCode, Is.Zero, $"containment {string.Join(' ', args)}");
            }
            else
            {
                var delay = random.NextDouble() * window * 1.1;
                await Task.Delay(TimeSpan.FromMilliseconds(delay));
                victim.Kill();
                await victim.WaitForExitAsync();
            }
            var delete = await RunReaping(cli, childrenBefore, "delete", "--force", id);
            if (delete.ExitCode != 0)
            {
                Leftovers.Remove(id);
                Assert.Fail($"{command} (seed {seed}, iteration {i}): delete --force: {delete.Stderr}");
            }
            var left = await Leftovers.AwaitGone(id, childrenBefore, [], mountsBefore, TimeSpan.FromSeconds(5));
            var folders = Directory.GetFileSystemEntries(cli.Root);
            if (left.Count > 0 || folders.Length > 0)
            {
                Leftovers.Remove(id);
                Assert.Fail($"{command} (seed {seed}, iteration {i}, window {window:F0} ms):\n  {string.Join("\n  ", left.Concat(folders.Select(f => $"state {f}")))}");
            }
        }
        TestContext.Progress.WriteLine($"{command}: {Iterations} kills over a {window:F0} ms window");
    }

    /// <summary>Runs a command while reaping what the test adopted, as the shim of a container manager does.</summary>
    private static async Task<RuntimeCli.Result> RunReaping(RuntimeCli cli, IReadOnlyList<int> known, params string[] args)
    {
        using var p = cli.Launch(args);
        var mine = known.Append(p.Id).ToList();
        while (!p.HasExited)
        {
            Subreaper.ReapZombies(mine);
            await Task.Delay(5);
        }
        return cli.ResultOf(p);
    }

    /// <summary>What must exist before the command runs.</summary>
    private static void Prepare(RuntimeCli cli, string command, string id)
    {
        if (command == "create")
            return;
        Assert.That(cli.Run("create", "--bundle", cli.Bundle, id).ExitCode, Is.Zero);
        if (command is "exec" or "delete")
            Assert.That(cli.Run("start", id).ExitCode, Is.Zero);
    }

    private static string[] Args(RuntimeCli cli, string command, string id) => command switch
    {
        "create" => ["create", "--bundle", cli.Bundle, id],
        "start" => ["start", id],
        "exec" => ["exec", "--detach", id, "sleep", "1000"],
        _ => ["delete", "--force", id],
    };
}
