using System.Text.Json.Nodes;
using Containment.SystemdTests.Support;
using static Containment.SystemdTests.Support.SystemdHost;

namespace Containment.SystemdTests;

/// <summary>
/// <c>containment --systemd-cgroup</c> as containerd with <c>SystemdCgroup = true</c> calls it: a Kubernetes-style
/// <c>cgroupsPath</c> (<c>kubepods-burstable-pod….slice:cri-containerd:ID</c>) becomes a scope in the pod's nested slice
/// with the config's resources as unit properties; <c>update</c>, <c>pause</c> and <c>delete</c> go through it.
/// </summary>
[TestFixture, NonParallelizable]
public class CliTests
{
    private string state = null!;
    private string bundle = null!;

    [OneTimeSetUp]
    public void RequireSystemd() => SystemdHost.Require();

    [SetUp]
    public void MakeBundle()
    {
        state = Directory.CreateTempSubdirectory("containment-test-state-").FullName;
        bundle = Directory.CreateTempSubdirectory("containment-test-bundle-").FullName;
        // A busybox root: the host's static busybox and the links the tests call.
        var rootfs = Path.Combine(bundle, "rootfs");
        foreach (var d in new[] { "bin", "proc", "dev", "sys", "tmp" }) Directory.CreateDirectory(Path.Combine(rootfs, d));
        File.Copy("/bin/busybox", Path.Combine(rootfs, "bin/busybox"));
        foreach (var tool in new[] { "sh", "cat", "sleep" }) File.CreateSymbolicLink(Path.Combine(rootfs, "bin", tool), "busybox");
    }

    [TearDown]
    public void Remove()
    {
        // The pod slices systemd created for the scope (a kubelet removes its own).
        if (Units("kubepods.slice").Count > 0)
            Assert.That(StopSlice("kubepods.slice"), Is.Empty, "the pod slices are gone");
        Directory.Delete(state, recursive: true);
        Directory.Delete(bundle, recursive: true);
    }

    private (int Code, string Output) Cli(params string[] args) => Runtime(["--root", state, "--systemd-cgroup", .. args]);

    /// <summary>
    /// The CLI's framework-dependent build, published beside the tests; it runs with the tests' runtimeconfig (the
    /// CLI's own is not published: it publishes as NativeAOT). Its stdio goes to a file, not to pipes: as runc's, it is
    /// the container's stdio too (no terminal), and a created container would hold a pipe open for as long as it runs.
    /// </summary>
    private (int Code, string Output) Runtime(string[] args)
    {
        var output = Path.Combine(bundle, "cli.out");
        var (code, _) = Run("/bin/sh", ["-c", "exec \"$@\" >\"$0\" 2>&1 </dev/null", output,
            "dotnet", "exec", "--runtimeconfig", Path.Combine(AppContext.BaseDirectory, "Containment.SystemdTests.runtimeconfig.json"),
            Path.Combine(AppContext.BaseDirectory, "Containment.Runtime.dll"), .. args]);
        return (code, File.ReadAllText(output));
    }

    private void WriteConfig(string cgroupsPath, params string[] args)
    {
        Assert.That(Runtime(["spec", "--bundle", bundle]).Code, Is.Zero);
        var path = Path.Combine(bundle, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        config["process"]!["terminal"] = false;
        config["process"]!["args"] = new JsonArray(args.Select(a => (JsonNode)a!).ToArray());
        // As the integration tests' bundles: what the suite does not exercise is left out.
        var process = config["process"]!.AsObject();
        process.Remove("capabilities");
        process.Remove("rlimits");
        process.Remove("noNewPrivileges");
        config["root"]!["readonly"] = false;
        var mounts = config["mounts"]!.AsArray();
        foreach (var m in mounts.Where(m => (string?)m!["destination"] == "/sys/fs/cgroup").ToList()) mounts.Remove(m);
        var linux = config["linux"]!.AsObject();
        linux.Remove("maskedPaths");
        linux.Remove("readonlyPaths");
        linux["cgroupsPath"] = cgroupsPath;
        linux["resources"] = JsonNode.Parse("""{ "memory": { "limit": 67108864 }, "pids": { "limit": 20 }, "cpu": { "shares": 512, "quota": 25000, "period": 100000 } }""");
        File.WriteAllText(path, config.ToJsonString());
    }

    [Test]
    public void Features_report_the_systemd_driver()
    {
        var (code, output) = Cli("features");
        Assert.That(code, Is.Zero, output);
        Assert.That(JsonNode.Parse(output)!["linux"]!["cgroup"]!["systemd"]!.GetValue<bool>(), Is.True);
    }

    [Test]
    public void Run_puts_the_container_in_a_scope_of_the_pods_nested_slice()
    {
        var id = NewId();
        WriteConfig($"kubepods-burstable-pod{id}.slice:cri-containerd:{id}", "/bin/sh", "-c", "cat /proc/self/cgroup; cat /sys/fs/cgroup/pids.max 2>/dev/null || true");
        var (code, output) = Cli("run", "--bundle", bundle, id);
        Assert.That(code, Is.Zero, output);
        // With its own cgroup namespace the container sees its scope as "/".
        Assert.That(output, Does.Contain("0::/"));
        Assert.That(Units($"cri-containerd-{id}.scope"), Is.Empty, "run deletes the container: no unit is left");
    }

    [Test]
    public async Task Create_start_update_pause_delete_through_systemd_leave_no_unit()
    {
        var id = NewId();
        var unit = $"cri-containerd-{id}.scope";
        var slice = $"kubepods-burstable-pod{id}.slice";
        WriteConfig($"{slice}:cri-containerd:{id}", "/bin/sleep", "600");
        var created = Cli("create", "--bundle", bundle, id);
        Assert.That(created.Code, Is.Zero, created.Output);
        try
        {
            Assert.That(Cli("start", id).Code, Is.Zero);
            var scope = $"{CgroupRoot}/kubepods.slice/kubepods-burstable.slice/{slice}/{unit}";
            Assert.Multiple(() =>
            {
                Assert.That(Directory.Exists(scope), Is.True, scope);
                Assert.That(Show(unit, "Slice"), Is.EqualTo(slice));
                Assert.That(Show(unit, "MemoryMax"), Is.EqualTo("67108864"));
                Assert.That(Show(unit, "TasksMax"), Is.EqualTo("20"));
                Assert.That(Show(unit, "CPUQuotaPerSecUSec"), Is.EqualTo("250ms"));
                Assert.That(Read(scope, "memory.max"), Is.EqualTo("67108864"));
            });

            Assert.That(Cli("update", "--pids-limit", "40", id).Code, Is.Zero);
            Assert.That(Show(unit, "TasksMax"), Is.EqualTo("40"));
            Assert.That(Read(scope, "pids.max"), Is.EqualTo("40"));

            Assert.That(Cli("pause", id).Code, Is.Zero);
            Assert.That(Key(scope, "cgroup.events", "frozen"), Is.EqualTo(1));
            Assert.That(Cli("resume", id).Code, Is.Zero);
            Assert.That(Key(scope, "cgroup.events", "frozen"), Is.EqualTo(0));
        }
        finally
        {
            var (code, output) = Cli("delete", "--force", id);
            Assert.That(code, Is.Zero, output);
        }
        Assert.That(await Eventually(() => Units(unit).Count == 0), Is.True, $"{unit} is gone: {string.Join(", ", Units(unit))}");
    }
}
