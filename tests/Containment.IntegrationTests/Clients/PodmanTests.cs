using Containment.IntegrationTests.Support;

namespace Containment.IntegrationTests.Clients;

/// <summary>
/// Podman with `--runtime containment`: what its users do, through conmon and our CLI. Private storage (vfs, no
/// mounts), a containers.conf of the test's own (cgroupfs, file events: this machine has no systemd).
/// </summary>
[TestFixture, NonParallelizable]
public class PodmanTests
{
    private string _dir = null!;
    private Dictionary<string, string> _env = null!;
    private string[] _cgroupParentsBefore = [];

    [OneTimeSetUp]
    public void SetUp()
    {
        if (!File.Exists("/usr/bin/podman"))
            Assert.Ignore("podman is not installed (.ci/run installs it)");
        _cgroupParentsBefore = CgroupParents();
        // Short: conmon's attach socket lives beneath it, and a socket path has at most 107 bytes.
        _dir = Directory.CreateTempSubdirectory("cpm-").FullName;
        var conf = System.IO.Path.Combine(_dir, "containers.conf");
        File.WriteAllText(conf, $"""
            [containers]
            default_ulimits = []
            [engine]
            cgroup_manager = "cgroupfs"
            events_logger = "file"
            events_logfile_path = "{_dir}/events.log"
            runtime = "containment"
            [engine.runtimes]
            containment = ["{RuntimeBinary.Path}"]
            """);
        _env = new() { ["CONTAINERS_CONF"] = conf, ["TMPDIR"] = _dir };
        using var rootfs = TestRootfs.Create();
        if (OperatingSystem.IsLinux())
            File.SetUnixFileMode(rootfs.Path, (UnixFileMode)0x1ed); // an image's / is 755: a non-root user must reach /bin
        var tar = System.IO.Path.Combine(_dir, "rootfs.tar");
        Assert.That(Shell.Run("tar", ["-C", rootfs.Path, "-cf", tar, "."]).ExitCode, Is.Zero);
        var (code, output) = Podman("import", tar, "localhost/containment-test:1");
        Assert.That(code, Is.Zero, output);
    }

    [OneTimeTearDown]
    public void TearDown()
    {
        if (_dir is null)
            return;
        Podman("rm", "-af", "-t", "0");
        Podman("rmi", "-af");
        Directory.Delete(_dir, recursive: true);
        // conmon's cgroups (cgroupfs manager) under a parent podman made for the test run.
        foreach (var parent in CgroupParents().Except(_cgroupParentsBefore))
            foreach (var dir in Directory.GetDirectories(parent, "*", SearchOption.AllDirectories).Reverse().Append(parent))
                try { Directory.Delete(dir); } catch (IOException) { }
    }

    private static string[] CgroupParents() =>
        Directory.Exists("/sys/fs/cgroup") ? Directory.GetDirectories("/sys/fs/cgroup", "libpod_parent", SearchOption.AllDirectories)
            .Where(d => d.Count(c => c == '/') <= 5).ToArray() : [];

    private (int ExitCode, string Output) Podman(params string[] args) =>
        Shell.Run("podman", new[] { "--root", $"{_dir}/root", "--runroot", $"{_dir}/runroot", "--storage-driver", "vfs",
            "--cgroup-manager", "cgroupfs", "--events-backend", "file" }.Concat(args), TimeSpan.FromMinutes(2), _env);

    private (int ExitCode, string Output) Run(params string[] args) =>
        Podman(new[] { "run", "--rm", "--network", "none" }.Concat(args.SkipLast(1)).Append("localhost/containment-test:1").Concat(["sh", "-c", args[^1]]).ToArray());

    [Test]
    public void Exit_code_and_output_come_back()
    {
        Assert.That(Run("echo hello; exit 7"), Is.EqualTo((7, "hello\n")));
    }

    [Test]
    public void Env_hostname_and_user_hold()
    {
        Assert.That(Run("-e", "FOO=bar", "--hostname", "podbox", "echo $FOO $(hostname)"), Is.EqualTo((0, "bar podbox\n")));
        Assert.That(Run("--user", "1000:1000", "id -u; id -g"), Is.EqualTo((0, "1000\n1000\n")));
    }

    [Test]
    public void A_read_only_rootfs_refuses_writes()
    {
        var (code, output) = Run("--read-only", "touch /x 2>/dev/null || echo refused; touch /tmp/x && echo tmp-ok");
        Assert.That((code, output), Is.EqualTo((0, "refused\ntmp-ok\n")));
    }

    [Test]
    public void Memory_and_pids_limits_hold()
    {
        var (code, output) = Run("--memory", "32m", "x=a; while true; do x=$x$x; done");
        Assert.That(code, Is.EqualTo(137), output);
        var pids = Run("--pids-limit", "5", "for i in 1 2 3 4 5 6 7 8; do sleep 5 & done");
        Assert.That(pids.Output, Does.Contain("can't fork"), "forks past the limit fail");
    }

    [Test]
    public void Exec_pause_unpause_and_stop_work_on_a_running_container()
    {
        var name = "c" + Guid.NewGuid().ToString("N")[..8];
        Assert.That(Podman("run", "-d", "--name", name, "--network", "none", "localhost/containment-test:1", "sleep", "300").ExitCode, Is.Zero);
        try
        {
            Assert.That(Podman("exec", name, "sh", "-c", "echo in $(hostname)"), Is.EqualTo((0, $"in {Podman("inspect", "-f", "{{.Config.Hostname}}", name).Output.Trim()}\n")));
            Assert.That(Podman("exec", "--user", "1000", name, "id", "-u"), Is.EqualTo((0, "1000\n")));
            Assert.That(Podman("pause", name).ExitCode, Is.Zero);
            Assert.That(Podman("inspect", "-f", "{{.State.Status}}", name).Output.Trim(), Is.EqualTo("paused"));
            Assert.That(Podman("unpause", name).ExitCode, Is.Zero);
            Assert.That(Podman("inspect", "-f", "{{.State.Status}}", name).Output.Trim(), Is.EqualTo("running"));
            // sleep as PID 1 ignores SIGTERM: stop falls back to SIGKILL after the timeout.
            Assert.That(Podman("stop", "-t", "1", name).ExitCode, Is.Zero);
            Assert.That(Podman("inspect", "-f", "{{.State.Status}}", name).Output.Trim(), Is.EqualTo("exited"));
        }
        finally
        {
            Podman("rm", "-f", "-t", "0", name);
        }
    }

    [Test]
    public void A_terminal_reaches_the_container()
    {
        var (code, output) = Run("-t", "tty; [ -t 0 ] && echo is-tty");
        Assert.That(code, Is.Zero, output);
        Assert.That(output.Replace("\r", ""), Is.EqualTo("/dev/pts/0\nis-tty\n"));
    }

    [Test]
    public void Rm_leaves_no_container_and_no_runtime_state()
    {
        Assert.That(Run("true").ExitCode, Is.Zero);
        Assert.That(Podman("ps", "-aq").Output.Trim(), Is.Empty);
    }
}
