using System.Diagnostics;
using System.Text.Json.Nodes;
using Containment.CheckpointTests.Support;

namespace Containment.CheckpointTests;

/// <summary><c>containment checkpoint</c> and <c>restore</c> as Podman calls runc's: run detached, checkpoint, restore detached, delete.</summary>
[NonParallelizable]
public class CliTests
{
    [SetUp]
    public void RequireCriu() => Criu.Require();

    [Test]
    public async Task Checkpoint_deletes_the_container_and_restore_brings_it_back_running_under_its_id()
    {
        using var rootfs = Rootfs.Create();
        var state = Directory.CreateTempSubdirectory("containment-criu-state-").FullName;
        var bundle = Directory.CreateTempSubdirectory("containment-criu-bundle-").FullName;
        var images = Checkpoints.NewImageDir();
        var id = "ckpt-cli-" + Environment.ProcessId;
        try
        {
            WriteConfig(bundle, rootfs.Path, "i=0; while :; do i=$((i+1)); echo $i >/tmp/count; sleep 0.1; done");
            var count = Path.Combine(rootfs.Path, "tmp/count");
            Assert.That(Cli(state, bundle, "run", "--detach", "--bundle", bundle, id), Is.Zero);
            Assert.That(await Eventually(() => Count(count) >= 3), "the container counts");
            Assert.That(Cli(state, bundle, "checkpoint", "--image-path", images, id), Is.Zero, File.ReadAllText(Path.Combine(bundle, "cli.out")));
            Assert.That(Directory.Exists(Path.Combine(state, id)), Is.False, "runc deletes a container it checkpointed");
            var atCheckpoint = Count(count);
            var pidFile = Path.Combine(bundle, "pid");
            Assert.That(Cli(state, bundle, "restore", "--detach", "--bundle", bundle, "--image-path", images, "--pid-file", pidFile, id), Is.Zero,
                File.ReadAllText(Path.Combine(bundle, "cli.out")));
            Assert.That(Cli(state, bundle, "state", id), Is.Zero);
            var oci = JsonNode.Parse(File.ReadAllText(Path.Combine(bundle, "cli.out")))!;
            Assert.That((string?)oci["status"], Is.EqualTo("running"));
            Assert.That((int?)oci["pid"], Is.EqualTo(int.Parse(File.ReadAllText(pidFile).Trim())));
            Assert.That(await Eventually(() => Count(count) > atCheckpoint + 2), "the restored container counts on");
            Assert.That(Cli(state, bundle, "delete", "--force", id), Is.Zero);
            Assert.That(Checkpoints.CgroupsOf(id), Is.Empty);
        }
        finally
        {
            if (Directory.Exists(Path.Combine(state, id)))
                Cli(state, bundle, "delete", "--force", id);
            Directory.Delete(images, recursive: true);
            Directory.Delete(bundle, recursive: true);
            Directory.Delete(state, recursive: true);
        }
    }

    private static long Count(string path) => File.Exists(path) && long.TryParse(File.ReadAllText(path).Trim(), out var n) ? n : 0;

    private static async Task<bool> Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Checkpoints.Timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                return false;
            await Task.Delay(100);
        }
        return true;
    }

    /// <summary>
    /// (Each call costs seconds under emulation: the test makes as few as it can.) The CLI's framework-dependent build beside the tests, with the tests' runtimeconfig. Its stdio is a file (not a
    /// pipe): as runc's, it is the container's stdio too, and CRIU restores the container onto the restoring CLI's.
    /// </summary>
    private static int Cli(string state, string bundle, params string[] args)
    {
        var output = Path.Combine(bundle, "cli.out");
        using var p = Process.Start("/bin/sh", ["-c", "exec \"$@\" >\"$0\" 2>&1 </dev/null", output,
            "dotnet", "exec", "--runtimeconfig", Path.Combine(AppContext.BaseDirectory, "Containment.CheckpointTests.runtimeconfig.json"),
            Path.Combine(AppContext.BaseDirectory, "Containment.Runtime.dll"), "--root", state, .. args]);
        p.WaitForExit();
        return p.ExitCode;
    }

    private static void WriteConfig(string bundle, string rootfs, string script)
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "config.template.json")))!.AsObject();
        config["root"]!["path"] = rootfs;
        config["process"]!["args"] = new JsonArray("/bin/sh", "-c", script);
        File.WriteAllText(Path.Combine(bundle, "config.json"), config.ToJsonString());
    }
}
