using System.Text;
using Containment.Capabilities;
using Containment.IntegrationTests.Identity;
using Containment.IntegrationTests.Support;
using Containment.Oci;

namespace Containment.IntegrationTests.Oci;

/// <summary>Configurations converted with <see cref="ContainerSpec.FromOci"/> and run: every mapped field has its effect.</summary>
public class OciConfigRunTests
{
    /// <summary>runc's default config, rooted at <paramref name="rootfs"/>, running <c>sh -c script</c> without a terminal.</summary>
    private static OciConfig RuncDefault(TestRootfs rootfs, string script, bool rootless = false, bool cgroupNamespace = true)
    {
        var config = OciConfig.CreateDefault(rootless, cgroupNamespace, hostUid: 0, hostGid: 0);
        return config with
        {
            Root = config.Root! with { Path = rootfs.Path },
            Process = config.Process! with { Terminal = false, Args = ["/bin/sh", "-c", script] },
        };
    }

    private static Task<Run.Result> RunConfig(OciConfig config) => Run.ToCompletion(ContainerSpec.FromOci(config, "/nonexistent-bundle")
        .WithProcess(p => p.StandardOutput(Stdio.Pipe).StandardError(Stdio.Pipe).StandardInput(Stdio.Null)));

    [Test]
    public async Task Runcs_default_config_runs_with_its_capabilities_limits_and_protected_paths()
    {
        using var rootfs = TestRootfs.Create();
        var r = await RunConfig(RuncDefault(rootfs, ProcStatus.Print + "; hostname; ulimit -n; " +
            "touch /etc/new 2>/dev/null && echo root-writable || echo root-read-only; touch /dev/shm/x && echo shm-writable; " +
            "stat -c '%t:%T' /proc/keys; echo 1 > /proc/sys/kernel/domainname 2>/dev/null && echo sys-writable || echo sys-read-only; " +
            "grep -c ' /sys/fs/cgroup' /proc/self/mountinfo"));

        Assert.That(r.Exit.ExitCode, Is.EqualTo(0), r.Stderr);
        var lines = r.Stdout.Split('\n');
        var status = ProcStatus.Parse(r.Stdout);
        var three = CapabilitySet.Of(Capability.AuditWrite, Capability.Kill, Capability.NetBindService);
        Assert.Multiple(() =>
        {
            Assert.That(status.Bounding, Is.EqualTo(three));
            Assert.That(status.Effective, Is.EqualTo(three));
            Assert.That(status.Permitted, Is.EqualTo(three));
            Assert.That(status.Inheritable, Is.EqualTo(CapabilitySet.Empty));
            Assert.That(status.NoNewPrivs, Is.EqualTo("1"));
            var rest = lines.SkipWhile(l => l.Contains(':')).ToArray();
            Assert.That(rest[..7], Is.EqualTo(new[] { "runc", "1024", "root-read-only", "shm-writable", "1:3", "sys-read-only", rest[6] }), r.Stdout + r.Stderr);
            Assert.That(int.Parse(rest[6]), Is.GreaterThan(0), "the cgroup mount is there");
        });
    }

    [Test]
    public async Task Runcs_default_config_for_a_v1_host_without_a_cgroup_namespace_sees_its_own_cgroup()
    {
        using var rootfs = TestRootfs.Create();
        var r = await RunConfig(RuncDefault(rootfs,
            "f=/sys/fs/cgroup/pids/cgroup.procs; [ -e $f ] || f=/sys/fs/cgroup/cgroup.procs; while read p; do echo $p; done < $f", cgroupNamespace: false));

        Assert.That(r.Stdout, Is.EqualTo("1\n"), "only init is in the cgroup it sees: its own " + r.Stderr);
    }

    [Test]
    public async Task Absent_capabilities_give_a_process_none()
    {
        using var rootfs = TestRootfs.Create();
        var config = RuncDefault(rootfs, ProcStatus.Print);
        config = config with { Process = config.Process! with { Capabilities = null } };

        var status = ProcStatus.Parse((await RunConfig(config)).Stdout);

        Assert.That((status.Bounding, status.Effective, status.Permitted), Is.EqualTo((CapabilitySet.Empty, CapabilitySet.Empty, CapabilitySet.Empty)));
    }

    [Test]
    public async Task Absent_masked_and_read_only_paths_leave_proc_as_it_is()
    {
        using var rootfs = TestRootfs.Create();
        var config = RuncDefault(rootfs, "grep -c -E ' /proc/(keys|sys|timer_list) ' /proc/self/mountinfo");
        config = config with { Linux = config.Linux! with { MaskedPaths = null, ReadonlyPaths = null } };

        var r = await RunConfig(config);

        Assert.That(r.Stdout, Is.EqualTo("0\n"), r.Stderr);
    }

    [Test]
    public async Task Runcs_rootless_config_runs_in_a_user_namespace_with_its_maps()
    {
        using var rootfs = TestRootfs.Create();
        var r = await RunConfig(RuncDefault(rootfs, "cat /proc/self/uid_map /proc/self/gid_map | tr -s ' '; id -u", rootless: true));

        Assert.That(r.Stdout, Is.EqualTo(" 0 0 1\n 0 0 1\n0\n"), r.Stderr);
    }

    [Test]
    public async Task User_groups_umask_rlimits_oom_score_devices_sysctls_and_mounts_take_effect()
    {
        using var rootfs = TestRootfs.Create();
        if (OperatingSystem.IsLinux())
            File.SetUnixFileMode(rootfs.Path, (UnixFileMode)0x1ed); // a temp directory is 0700: let the user in
        var data = Directory.CreateTempSubdirectory("containment-oci-data-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(data, "file"), "from-the-host\n");
            if (OperatingSystem.IsLinux())
                File.SetUnixFileMode(data, (UnixFileMode)0x1ed);
            var config = RuncDefault(rootfs, "id; umask; ulimit -n; cat /proc/self/oom_score_adj; stat -c '%F %t:%T %a' /dev/fuse; " +
                "cat /proc/sys/net/ipv4/ping_group_range | tr -s '\\t' ' '; cat /data/file; touch /data/x 2>/dev/null || echo data-read-only; " +
                "grep ' /scratch ' /proc/self/mountinfo | grep -c nosuid");
            config = config with
            {
                Process = config.Process! with
                {
                    User = new OciUser { Uid = 1000, Gid = 1000, AdditionalGids = [5, 20], Umask = 0x3f },
                    Rlimits = [new OciRlimit { Type = "RLIMIT_NOFILE", Soft = 256, Hard = 512 }],
                    OomScoreAdj = 300,
                    NoNewPrivileges = true,
                },
                Root = config.Root! with { Readonly = false },
                Mounts =
                [
                    .. config.Mounts!,
                    new OciMount { Destination = "/data", Type = "bind", Source = data, Options = ["rbind", "ro"] },
                    new OciMount { Destination = "/scratch", Type = "tmpfs", Source = "tmpfs", Options = ["nosuid", "size=1m"] },
                ],
                Linux = config.Linux! with
                {
                    Devices = [new OciDevice { Path = "/dev/fuse", Type = "c", Major = 10, Minor = 229, FileMode = 0x1b6 }],
                    Sysctl = new Dictionary<string, string> { ["net.ipv4.ping_group_range"] = "0 0" },
                },
            };

            var r = await RunConfig(config);

            Assert.That(r.Stdout, Is.EqualTo(
                "uid=1000 gid=1000 groups=5,20\n0077\n256\n300\ncharacter special file a:e5 666\n0 0\nfrom-the-host\ndata-read-only\n1\n"), r.Stderr);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Test]
    public async Task A_terminal_config_gets_its_console_size()
    {
        using var rootfs = TestRootfs.Create();
        var config = RuncDefault(rootfs, "stty size; tty");
        config = config with { Process = config.Process! with { Terminal = true, ConsoleSize = new OciConsoleSize { Width = 90, Height = 30 } } };

        await using var c = await ContainerProcess.StartAsync(ContainerSpec.FromOci(config, "/nonexistent-bundle"));
        var output = new MemoryStream();
        await c.Terminal!.Stream.CopyToAsync(output);

        Assert.That(Encoding.UTF8.GetString(output.ToArray()), Is.EqualTo("30 90\r\n/dev/pts/0\r\n"));
    }
}
