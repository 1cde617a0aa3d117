using System.Net.Sockets;
using Containment.IntegrationTests.Support;
using static Containment.IntegrationTests.Mounts.MountTestSupport;

namespace Containment.IntegrationTests.Mounts;

/// <summary>
/// <see cref="ContainerSpec.HostReadOnly()"/>: mounts at any new path without writing to the host, user mounts replacing
/// the defaults at the same path, sized fresh /tmp and /run, and the caller's private places out of reach.
/// </summary>
public class HostViewTests
{
    private static Task<Run.Result> Sh(string script, Func<ContainerSpec, ContainerSpec>? configure = null) => Run.Shell(script, configure);

    private static string[] HostTopLevel() => Directory.GetFileSystemEntries("/").Order().ToArray();

    [Test]
    public async Task A_bind_and_a_tmpfs_at_new_top_level_paths_work_and_nothing_is_created_on_the_host()
    {
        var host = HostDir();
        var before = HostTopLevel();
        var mountsBefore = HostSnapshot.MountPoints();
        try
        {
            File.WriteAllText(Path.Combine(host, "file"), "from host\n");
            var r = await Sh("cat /sandbox/file; echo x > /scratch/new && cat /scratch/new; echo y > /newfile; echo rc=$?",
                s => s.WithMounts(m => m.Bind(host, "/sandbox", readOnly: true).Tmpfs("/scratch")));
            Assert.That(r.Stdout, Is.EqualTo("from host\nx\nrc=2\n"), r.Stderr);
            Assert.That(r.Stderr, Does.Contain("Read-only file system"), "the root itself stays read-only");
            Assert.That(HostTopLevel(), Is.EqualTo(before), "no /sandbox, /scratch or /newfile on the host");
            Assert.That(HostSnapshot.MountPoints(), Is.EquivalentTo(mountsBefore));
        }
        finally
        {
            Directory.Delete(host, true);
        }
    }

    [Test]
    public async Task A_users_tmp_replaces_the_default_and_is_the_size_asked_for()
    {
        var r = await Sh("grep ' /tmp ' /proc/self/mounts; dd if=/dev/zero of=/tmp/f bs=1M count=2 2>/dev/null; echo rc=$?",
            s => s.WithMounts(m => m.Tmpfs("/tmp", size: 1 << 20)));
        Assert.That(r.Stdout, Does.Contain("size=1024k"), r.Stderr);
        Assert.That(r.Stdout.Split('\n').Count(l => l.Contains(" /tmp ")), Is.EqualTo(1), "one /tmp: the user's");
        Assert.That(r.Stdout, Does.EndWith("rc=1\n"), "2 MiB do not fit");
    }

    [Test]
    public async Task A_bind_beneath_the_default_tmp_is_visible()
    {
        var host = HostDir();
        try
        {
            File.WriteAllText(Path.Combine(host, "file"), "beneath tmp\n");
            var r = await Sh("cat /tmp/x/file; cat /run/y/file", s => s.WithMounts(m => m.Bind(host, "/tmp/x").Bind(host, "/run/y")));
            Assert.That(r.Stdout, Is.EqualTo("beneath tmp\nbeneath tmp\n"), r.Stderr);
        }
        finally
        {
            Directory.Delete(host, true);
        }
    }

    [Test]
    public async Task The_readme_mounts_example_runs_as_written_on_the_host_view()
    {
        var created = !Directory.Exists("/srv/data");
        Directory.CreateDirectory("/srv/data");
        var marker = Path.Combine("/srv/data", $"containment-test-{Guid.NewGuid():N}");
        File.WriteAllText(marker, "data\n");
        try
        {
            var spec = ContainerSpec.HostReadOnly()
                .WithMounts(m => m.Bind("/srv/data", "/data", readOnly: true).Tmpfs("/tmp", size: 64 << 20))
                .WithProcess(p => p.Args("/bin/sh", "-c", $"cat /data/{Path.GetFileName(marker)}; touch /data/x; grep ' /tmp ' /proc/self/mounts"));
            var r = await Run.ToCompletion(spec);
            Assert.That(r.Stdout, Does.StartWith("data\n").And.Contain("size=65536k"), r.Stderr);
            Assert.That(r.Stderr, Does.Contain("Read-only file system"));
        }
        finally
        {
            File.Delete(marker);
            if (created)
                Directory.Delete("/srv/data");
        }
    }

    [Test]
    public async Task The_default_tmp_and_run_are_sized_and_have_their_modes_and_the_size_is_configurable()
    {
        var r = await Sh("stat -c '%a %n' /tmp /run; grep -E ' /(tmp|run) ' /proc/self/mounts");
        Assert.That(r.Stdout, Does.StartWith("1777 /tmp\n755 /run\n"), r.Stderr);
        Assert.That(r.Stdout, Does.Match(@"tmpfs /tmp tmpfs [^ ]*size=65536k"));
        Assert.That(r.Stdout, Does.Match(@"tmpfs /run tmpfs [^ ]*size=65536k"));

        var spec = ContainerSpec.HostReadOnly(v => v.WithTmpSize(2 << 20).WithRunSize(1 << 20))
            .WithProcess(p => p.Args("/bin/sh", "-c", "grep -E ' /(tmp|run) ' /proc/self/mounts"));
        var sized = await Run.ToCompletion(spec);
        Assert.That(sized.Stdout, Does.Match(@"/tmp tmpfs [^ ]*size=2048k").And.Match(@"/run tmpfs [^ ]*size=1024k"), sized.Stderr);
    }

    [Test]
    public async Task A_bind_of_the_hosts_tmp_shows_the_hosts_tmp()
    {
        var marker = Path.Combine("/tmp", $"containment-test-{Guid.NewGuid():N}");
        File.WriteAllText(marker, "");
        try
        {
            var r = await Sh($"test -e /mnt/{Path.GetFileName(marker)} && echo marker; test -e /mnt/etc/passwd && echo host-root",
                s => s.WithMounts(m => m.Bind("/tmp", "/mnt", readOnly: true)));
            Assert.That(r.Stdout, Is.EqualTo("marker\n"), r.Stderr);
        }
        finally
        {
            File.Delete(marker);
        }
    }

    [Test]
    public async Task A_socket_in_the_hosts_tmp_and_in_the_callers_runtime_dir_is_neither_visible_nor_reachable()
    {
        // A runtime dir outside /run, as XDG_RUNTIME_DIR may be: the default hidden paths are read from the environment.
        var runtime = Directory.CreateDirectory($"/var/lib/containment-test-xdg-{Guid.NewGuid():N}").FullName;
        var control = HostDir("socket");
        var inTmp = Path.Combine("/tmp", $"containment-test-{Guid.NewGuid():N}.sock");
        var inRuntime = Path.Combine(runtime, "agent.sock");
        var previous = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        using var a = Listen(inTmp);
        using var b = Listen(inRuntime);
        using var c = Listen(Path.Combine(control, "bound.sock"));
        try
        {
            Environment.SetEnvironmentVariable("XDG_RUNTIME_DIR", runtime);
            var spec = ContainerSpec.HostReadOnly();
            Environment.SetEnvironmentVariable("XDG_RUNTIME_DIR", previous);
            var r = await Run.ToCompletion(spec.WithMounts(m => m.Bind(control, "/control"))
                .WithProcess(p => p.Args(ConnectProbe.Value, inTmp, inRuntime, "/control/bound.sock")));
            Assert.That(r.Stdout, Is.EqualTo($"{inTmp}: ENOENT\n{inRuntime}: ENOENT\n/control/bound.sock: connected\n"), r.Stderr);
        }
        finally
        {
            Environment.SetEnvironmentVariable("XDG_RUNTIME_DIR", previous);
            File.Delete(inTmp);
            Directory.Delete(runtime, true);
            Directory.Delete(control, true);
        }
    }

    [Test]
    public async Task The_hosts_dotnet_diagnostics_socket_is_not_visible()
    {
        var dir = Path.GetTempPath();
        var sockets = Directory.GetFiles(dir, $"dotnet-diagnostic-{Environment.ProcessId}-*-socket");
        if (sockets.Length == 0)
            Assert.Ignore($"this test host has no diagnostics socket in {dir} (DOTNET_EnableDiagnostics=0?)");
        var r = await Run.ToCompletion(ContainerSpec.HostReadOnly().WithProcess(p => p.Args(ConnectProbe.Value, sockets[0])));
        Assert.That(r.Stdout, Is.EqualTo($"{sockets[0]}: ENOENT\n"), r.Stderr);
    }

    [Test]
    public async Task More_paths_can_be_hidden_and_a_user_mount_replaces_a_hidden_path()
    {
        var host = HostDir();
        var secret = Directory.CreateDirectory($"/var/lib/containment-test-secret-{Guid.NewGuid():N}").FullName;
        try
        {
            File.WriteAllText(Path.Combine(secret, "key"), "secret\n");
            File.WriteAllText(Path.Combine(host, "file"), "mine\n");
            var hidden = await Run.ToCompletion(ContainerSpec.HostReadOnly(v => v.Hide(secret))
                .WithProcess(p => p.Args("/bin/sh", "-c", $"ls -A {secret}; touch {secret}/x; echo rc=$?")));
            Assert.That(hidden.Stdout, Is.EqualTo("rc=1\n"), hidden.Stderr);
            var replaced = await Run.ToCompletion(ContainerSpec.HostReadOnly(v => v.Hide(secret))
                .WithMounts(m => m.Bind(host, secret)).WithProcess(p => p.Args("/bin/sh", "-c", $"cat {secret}/file")));
            Assert.That(replaced.Stdout, Is.EqualTo("mine\n"), replaced.Stderr);
        }
        finally
        {
            Directory.Delete(secret, true);
            Directory.Delete(host, true);
        }
    }

    [Test]
    public async Task Without_pivot_root_the_host_view_works_too()
    {
        var r = await Sh("cat /etc/hostname >/dev/null && echo etc; touch /tmp/x && echo tmp", s => s.WithNoPivotRoot());
        Assert.That(r.Stdout, Is.EqualTo("etc\ntmp\n"), r.Stderr);
    }

    /// <summary>Connects to each unix socket path given; prints "PATH: connected" or "PATH: ERRNO".</summary>
    private static readonly Lazy<string> ConnectProbe = new(() => StaticProgram.Build("connect-probe", """
        #include <errno.h>
        #include <stdio.h>
        #include <string.h>
        #include <sys/socket.h>
        #include <sys/un.h>
        int main(int argc, char **argv)
        {
            for (int i = 1; i < argc; i++) {
                int s = socket(AF_UNIX, SOCK_STREAM, 0);
                struct sockaddr_un a = { .sun_family = AF_UNIX };
                strncpy(a.sun_path, argv[i], sizeof a.sun_path - 1);
                int r = connect(s, (struct sockaddr *)&a, sizeof a);
                printf("%s: %s\n", argv[i], r == 0 ? "connected" : errno == ENOENT ? "ENOENT" : strerror(errno));
            }
            return 0;
        }
        """));

    private static Socket Listen(string path)
    {
        var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        s.Bind(new UnixDomainSocketEndPoint(path));
        s.Listen();
        return s;
    }
}
