using System.Diagnostics;
using Containment.IntegrationTests.Support;

namespace Containment.IntegrationTests.Clients;

/// <summary>
/// containerd with `ctr run --runc-binary containment`: the runc v2 shim drives our CLI (create, start, exec,
/// pause, resume, kill, delete with --log-format json). A private containerd daemon, native snapshotter. ctr's FIFOs
/// and the runtime's root go to the fixture's directory; the shim's socket directory is fixed (/run/containerd/s), so
/// after each test what the fixture made under /run/containerd is removed, and the test fails if any of it is left.
/// </summary>
[TestFixture, NonParallelizable]
public class ContainerdTests
{
    private const string Image = "docker.io/library/containment-test:1";
    private const string HostState = "/run/containerd";
    private string _dir = null!;
    private Process? _daemon;
    private HashSet<string> _hostBefore = [];

    [OneTimeSetUp]
    public void SetUp()
    {
        if (!File.Exists("/usr/bin/containerd") || !File.Exists("/usr/bin/ctr"))
            Assert.Ignore("containerd is not installed (.ci/run installs it)");
        _ = RuntimeBinary.Path;
        _hostBefore = HostPaths();
        _dir = Directory.CreateTempSubdirectory("ctd-").FullName;
        File.WriteAllText(Path.Combine(_dir, "config.toml"), $"""
            version = 2
            root = "{_dir}/root"
            state = "{_dir}/state"
            [grpc]
              address = "{_dir}/containerd.sock"
            [plugins."io.containerd.grpc.v1.cri"]
              disable_cgroup = true
            """);
        _daemon = Process.Start(new ProcessStartInfo("containerd", ["--config", Path.Combine(_dir, "config.toml")])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        })!;
        _daemon.OutputDataReceived += (_, _) => { };
        _daemon.ErrorDataReceived += (_, _) => { };
        _daemon.BeginOutputReadLine();
        _daemon.BeginErrorReadLine();
        for (var i = 0; i < 100 && Ctr("version").ExitCode != 0; i++)
            Thread.Sleep(100);

        using var rootfs = TestRootfs.Create();
        if (OperatingSystem.IsLinux())
            File.SetUnixFileMode(rootfs.Path, (UnixFileMode)0x1ed);
        var tar = Path.Combine(_dir, "image.tar");
        var script = Path.Combine(RuntimeBinary.RepositoryRoot(), "tests/clients/oci-image.py");
        var image = Shell.Run("python3", [script, rootfs.Path, tar, Image]);
        Assert.That(image.ExitCode, Is.Zero, image.Output);
        var (code, output) = Ctr("image", "import", "--snapshotter", "native", tar);
        Assert.That(code, Is.Zero, output);
    }

    [OneTimeTearDown]
    public void TearDown()
    {
        if (_dir is null)
            return;
        foreach (var task in Ctr("task", "ls", "-q").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            Ctr("task", "kill", "-s", "SIGKILL", task);
            Ctr("task", "delete", "-f", task);
        }
        foreach (var container in Ctr("container", "ls", "-q").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            Ctr("container", "delete", container);
        Ctr("image", "rm", Image);
        if (_daemon is { HasExited: false })
        {
            _daemon.Kill();
            _daemon.WaitForExit();
        }
        _daemon?.Dispose();
        // Nothing of the daemon's may stay mounted before its directory goes.
        foreach (var mount in File.ReadAllLines("/proc/self/mountinfo").Select(l => l.Split(' ')[4]).Where(m => m.StartsWith(_dir, StringComparison.Ordinal)).Reverse())
            Shell.Run("umount", ["-l", mount]);
        Directory.Delete(_dir, recursive: true);
        RemoveCreatedHostPaths();
    }

    /// <summary>A test leaves nothing under /run/containerd that was not there before the fixture.</summary>
    [TearDown]
    public void NothingIsLeftInTheHostsContainerdState()
    {
        var left = RemoveCreatedHostPaths();
        // A shim removes its socket as it exits, after ctr has returned.
        for (var i = 0; i < 100 && left.Count > 0; i++, Thread.Sleep(100))
            left = RemoveCreatedHostPaths();
        Assert.That(left, Is.Empty, $"left in {HostState} by the test");
    }

    /// <summary>Removes the directories under (and including) /run/containerd that the fixture made, once empty; returns what it made that is still there.</summary>
    private List<string> RemoveCreatedHostPaths()
    {
        foreach (var dir in HostPaths().Except(_hostBefore).Where(Directory.Exists).OrderByDescending(p => p.Length))
        {
            try
            {
                Directory.Delete(dir);
            }
            catch (IOException)
            {
                // Not empty: what is in it is reported.
            }
        }
        return HostPaths().Except(_hostBefore).Order(StringComparer.Ordinal).ToList();
    }

    private static HashSet<string> HostPaths()
    {
        try
        {
            return Directory.Exists(HostState) ? [HostState, .. Directory.EnumerateFileSystemEntries(HostState, "*", SearchOption.AllDirectories)] : [];
        }
        catch (DirectoryNotFoundException)
        {
            return HostPaths(); // a shim removed a directory while it was listed
        }
    }

    private (int ExitCode, string Output) Ctr(params string[] args) =>
        Shell.Run("ctr", new[] { "--address", Path.Combine(_dir, "containerd.sock") }.Concat(args), TimeSpan.FromMinutes(1));

    /// <summary><c>ctr run</c> with our runtime, its state and ctr's FIFOs in the fixture's directory (not the host's /run/containerd).</summary>
    private string[] RunArgs(params string[] options) =>
        ["run", "--snapshotter", "native", "--runc-binary", RuntimeBinary.Path, "--runc-root", Path.Combine(_dir, "runc"),
            "--fifo-dir", Path.Combine(_dir, "fifo"), .. options];

    private (int ExitCode, string Output) Run(string id, string[] options, string script) =>
        Ctr([.. RunArgs(["--rm", .. options]), Image, id, "sh", "-c", script]);

    private static string Id() => "t" + Guid.NewGuid().ToString("N")[..8];

    [Test]
    public void Exit_code_output_env_and_limits_hold()
    {
        Assert.That(Run(Id(), ["--env", "FOO=bar"], "echo $FOO; exit 3"), Is.EqualTo((3, "bar\n")));
        var (code, output) = Run(Id(), ["--memory-limit", (32 << 20).ToString()], "x=a; while true; do x=$x$x; done");
        Assert.That(code, Is.EqualTo(137), output);
    }

    [Test]
    public void A_read_only_rootfs_refuses_writes()
    {
        var (code, output) = Run(Id(), ["--read-only"], "touch /x 2>/dev/null || echo refused");
        Assert.That((code, output), Is.EqualTo((0, "refused\n")));
    }

    [Test]
    public void Exec_pause_resume_and_kill_a_running_task()
    {
        var id = Id();
        Assert.That(Ctr([.. RunArgs("-d"), Image, id, "sleep", "300"]).ExitCode, Is.Zero);
        try
        {
            Assert.That(Ctr("task", "exec", "--fifo-dir", Path.Combine(_dir, "fifo"), "--exec-id", "e1", id, "sh", "-c", "echo in-exec"), Is.EqualTo((0, "in-exec\n")));
            Assert.That(Ctr("task", "pause", id).ExitCode, Is.Zero);
            Assert.That(Ctr("task", "ls").Output, Does.Match($@"{id}\s+\d+\s+PAUSED"));
            Assert.That(Ctr("task", "resume", id).ExitCode, Is.Zero);
            Assert.That(Ctr("task", "ls").Output, Does.Match($@"{id}\s+\d+\s+RUNNING"));
            Assert.That(Ctr("task", "kill", "-s", "SIGKILL", id).ExitCode, Is.Zero);
            var stopped = false;
            for (var i = 0; i < 100 && !stopped; i++, Thread.Sleep(100))
                stopped = System.Text.RegularExpressions.Regex.IsMatch(Ctr("task", "ls").Output, $@"{id}\s+\d+\s+STOPPED");
            Assert.That(stopped, Is.True, "the killed task stops");
        }
        finally
        {
            Ctr("task", "delete", "-f", id);
            Ctr("container", "delete", id);
        }
        Assert.That(Ctr("container", "ls", "-q").Output, Does.Not.Contain(id));
    }
}
