using Containment.SystemdTests.Support;
using static Containment.SystemdTests.Support.SystemdHost;

namespace Containment.SystemdTests;

/// <summary>
/// Podman with <c>cgroup_manager = "systemd"</c> and <c>--runtime containment</c>, as on a host where systemd owns the
/// tree: podman puts conmon in a scope of its own and calls the runtime with <c>--systemd-cgroup</c> and
/// <c>machine.slice:libpod:ID</c>. Private storage (vfs), a containers.conf of the test's own, a busybox image imported
/// from a tarball (no registry).
/// </summary>
[TestFixture, NonParallelizable]
public class PodmanTests
{
    private const string Image = "localhost/containment-systemd-test:1";
    private string dir = null!;

    [OneTimeSetUp]
    public void SetUp()
    {
        SystemdHost.Require();
        Assert.That(File.Exists("/usr/bin/podman"), Is.True, "podman is installed (scripts/install-test-deps.sh)");
        // Short: conmon's attach socket lives beneath it, and a socket path has at most 107 bytes.
        dir = Directory.CreateTempSubdirectory("cpm-").FullName;
        // The CLI's framework-dependent build beside the tests, as podman's runtime.
        var runtime = Path.Combine(dir, "containment");
        File.WriteAllText(runtime, "#!/bin/sh\nexec dotnet exec --runtimeconfig " +
            $"{Path.Combine(AppContext.BaseDirectory, "Containment.SystemdTests.runtimeconfig.json")} " +
            $"{Path.Combine(AppContext.BaseDirectory, "Containment.Runtime.dll")} \"$@\"\n");
        Assert.That(Run("chmod", "755", runtime).Code, Is.Zero);
        File.WriteAllText(Path.Combine(dir, "containers.conf"), $"""
            [containers]
            default_ulimits = []
            [engine]
            cgroup_manager = "systemd"
            events_logger = "file"
            events_logfile_path = "{dir}/events.log"
            runtime = "containment"
            [engine.runtimes]
            containment = ["{runtime}"]
            """);
        var rootfs = Directory.CreateDirectory(Path.Combine(dir, "rootfs")).FullName;
        foreach (var d in new[] { "bin", "proc", "dev", "sys", "tmp", "etc" }) Directory.CreateDirectory(Path.Combine(rootfs, d));
        File.Copy("/bin/busybox", Path.Combine(rootfs, "bin/busybox"));
        foreach (var tool in new[] { "sh", "cat", "sleep", "echo" }) File.CreateSymbolicLink(Path.Combine(rootfs, "bin", tool), "busybox");
        var tar = Path.Combine(dir, "rootfs.tar");
        Assert.That(Run("tar", "-C", rootfs, "-cf", tar, ".").Code, Is.Zero);
        var (code, output) = Podman("import", tar, Image);
        Assert.That(code, Is.Zero, output);
    }

    [OneTimeTearDown]
    public void TearDown()
    {
        if (dir is null) return;
        Podman("rm", "-af", "-t", "0");
        Podman("rmi", "-af");
        Directory.Delete(dir, recursive: true);
    }

    private (int Code, string Output) Podman(params string[] args) =>
        Run("/usr/bin/env", [$"CONTAINERS_CONF={dir}/containers.conf", $"TMPDIR={dir}", "podman", "--root", $"{dir}/root",
            "--runroot", $"{dir}/runroot", "--storage-driver", "vfs", "--cgroup-manager", "systemd", "--events-backend", "file", .. args]);

    [Test]
    public async Task Podman_runs_a_container_in_a_libpod_scope_of_machine_slice_with_its_limits()
    {
        var (code, output) = Podman("run", "-d", "--network", "none", "--pids-limit", "32", "--memory", "64m", Image, "sleep", "600");
        Assert.That(code, Is.Zero, output);
        var id = output.Trim().Split('\n')[^1];
        var unit = $"libpod-{id}.scope";
        try
        {
            Assert.Multiple(() =>
            {
                Assert.That(Show(unit, "ActiveState"), Is.EqualTo("active"), unit);
                Assert.That(Show(unit, "Slice"), Is.EqualTo("machine.slice"));
                Assert.That(Show(unit, "TasksMax"), Is.EqualTo("32"));
                Assert.That(Show(unit, "MemoryMax"), Is.EqualTo((64L << 20).ToString()));
                Assert.That(Read($"{CgroupRoot}/machine.slice/{unit}", "pids.max"), Is.EqualTo("32"));
            });
            var exec = Podman("exec", id, "cat", "/proc/self/cgroup");
            Assert.That(exec, Is.EqualTo((0, "0::/\n")), "exec joins the container's scope (its own cgroup namespace)");
        }
        finally
        {
            var removed = Podman("rm", "-f", "-t", "0", id);
            Assert.That(removed.Code, Is.Zero, removed.Output);
        }
        Assert.That(await Eventually(() => Units($"*{id}*").Count == 0), Is.True, $"no unit of {id} is left: {string.Join(", ", Units($"*{id}*"))}");
    }
}
