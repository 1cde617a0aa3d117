using Containment.Identity;
using Containment.IntegrationTests.Support;

namespace Containment.IntegrationTests.Identity;

public class ProcessIdentityTests
{
    [Test]
    public async Task The_process_runs_as_the_given_uid_gid_and_supplementary_groups()
    {
        var r = await Run.Shell(ProcStatus.Print, s => s.WithProcess(p => p.User(1000, 1001, 2000, 3000)));
        var status = ProcStatus.Parse(r.Stdout);
        Assert.That(status.Uid, Is.EqualTo("1000\t1000\t1000\t1000"));
        Assert.That(status.Gid, Is.EqualTo("1001\t1001\t1001\t1001"));
        Assert.That(status.Groups, Is.EqualTo("2000 3000"));
    }

    [Test]
    public async Task Root_has_no_supplementary_groups_by_default()
    {
        var r = await Run.Shell(ProcStatus.Print);
        Assert.That(ProcStatus.Parse(r.Stdout).Groups, Is.Empty);
    }

    [Test]
    public async Task The_umask_is_the_one_asked_for()
    {
        var r = await Run.Shell("umask; touch /tmp/f && stat -c %a /tmp/f", s => s.WithProcess(p => p.Umask(0x3f)));
        Assert.That(r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "0077", "600" }));
        var d = await Run.Shell("umask");
        Assert.That(d.Stdout.Trim(), Is.EqualTo("0022"));
    }

    [Test]
    public async Task Rlimits_read_back_in_proc_self_limits()
    {
        var r = await Run.Shell("grep -E '^Max (open files|core file size|processes)' /proc/self/limits", s => s.WithProcess(p => p
            .Rlimit(ResourceLimit.Nofile, 100, 200).Rlimit(ResourceLimit.Core, 0, 0).Rlimit(ResourceLimit.Nproc, 500, 600)));
        var rows = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToArray();
        Assert.That(rows, Is.EquivalentTo(new[] { "Max core file size 0 0 bytes", "Max processes 500 600 processes", "Max open files 100 200 files" }), r.Stderr);
    }

    [Test]
    public void Raising_a_hard_limit_without_CAP_SYS_RESOURCE_fails_at_its_step()
    {
        // This machine withholds CAP_SYS_RESOURCE even from root: a hard limit above the current one is refused.
        var current = File.ReadLines("/proc/self/limits").First(l => l.StartsWith("Max open files"));
        var hard = ulong.Parse(current.Split(' ', StringSplitOptions.RemoveEmptyEntries)[4]);
        var ownCaps = File.ReadLines("/proc/self/status").First(l => l.StartsWith("CapEff:"));
        if ((Convert.ToUInt64(ownCaps[7..].Trim(), 16) & (1UL << 24)) != 0)
            Assert.Ignore("this host holds CAP_SYS_RESOURCE: raising is allowed here");
        var e = Assert.ThrowsAsync<ContainerStartException>(() => Run.Shell("true", s => s.WithProcess(p => p.Rlimit(ResourceLimit.Nofile, hard + 1, hard + 1))));
        Assert.That(e!.Syscall, Is.EqualTo("setrlimit"));
        Assert.That(e.Subject, Does.Contain("RLIMIT_NOFILE"));
        Assert.That(e.ErrnoName, Is.EqualTo("EPERM"));
    }

    [Test]
    public async Task Oom_score_adj_can_be_raised()
    {
        var r = await Run.Shell("cat /proc/self/oom_score_adj", s => s.WithProcess(p => p.OomScoreAdj(500)));
        Assert.That(r.Stdout.Trim(), Is.EqualTo("500"), r.Stderr);
    }

    [Test]
    public async Task Personality_linux32_reports_a_32_bit_machine()
    {
        if (System.Runtime.InteropServices.RuntimeInformation.OSArchitecture != System.Runtime.InteropServices.Architecture.X64)
            Assert.Ignore("the test knows x86_64's 32-bit name only");
        var r = await Run.Shell("uname -m", s => s.WithPersonality(Personality.Linux32));
        Assert.That(r.Stdout.Trim(), Is.EqualTo("i686"), r.Stderr);
        var native = await Run.Shell("uname -m", s => s.WithPersonality(Personality.Linux));
        Assert.That(native.Stdout.Trim(), Is.EqualTo("x86_64"));
    }

    [Test]
    public async Task Time_offsets_show_in_timens_offsets_and_move_the_clocks()
    {
        var hostUptime = double.Parse(File.ReadAllText("/proc/uptime").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        var r = await Run.Shell("cat /proc/self/timens_offsets; cut -d' ' -f1 /proc/uptime",
            s => s.WithTimeOffsets(TimeSpan.FromDays(1), TimeSpan.FromDays(2) + TimeSpan.FromMilliseconds(1.5)));
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToArray();
        Assert.That(lines[0], Is.EqualTo("monotonic 86400 0"), r.Stderr);
        Assert.That(lines[1], Is.EqualTo("boottime 172800 1500000"));
        var uptime = double.Parse(lines[2], System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(uptime - hostUptime, Is.InRange(172800 - 5, 172800 + 60));
    }

    [Test]
    public async Task Namespaced_sysctls_read_back_inside()
    {
        var r = await Run.Shell("cat /proc/sys/net/ipv4/ip_unprivileged_port_start /proc/sys/kernel/shmmni /proc/sys/fs/mqueue/msg_max",
            s => s.WithSysctl("net.ipv4.ip_unprivileged_port_start", "80").WithSysctl("kernel.shmmni", "1234").WithSysctl("fs/mqueue/msg_max", "77"));
        Assert.That(r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "80", "1234", "77" }), r.Stderr);
        Assert.That(File.ReadAllText("/proc/sys/kernel/shmmni").Trim(), Is.Not.EqualTo("1234"), "the host's value is untouched");
    }

    [Test]
    public async Task Sysctls_outside_the_containers_namespaces_are_refused_before_anything_starts()
    {
        var spec = ContainerSpec.HostReadOnly().WithProcess(p => p.Args("true"))
            .WithNamespaces(n => n.Without(Namespaces.NamespaceKind.Network))
            .WithSysctl("vm.swappiness", "10").WithSysctl("net.ipv4.ip_forward", "1").WithSysctl("kernel.shmmax", "1");
        await Warm(spec);
        var before = HostSnapshot.Take();
        var e = Assert.ThrowsAsync<ContainerSpecException>(() => ContainerProcess.StartAsync(spec));
        Assert.That(e!.Errors.Select(x => x.Field), Is.EquivalentTo(new[] { "sysctl[net.ipv4.ip_forward]", "sysctl[vm.swappiness]" }), e.Message);
        await HostSnapshot.AssertUnchangedSince(before);
    }

    [Test]
    public async Task Bad_identity_input_is_listed_in_full_and_nothing_starts()
    {
        var spec = ContainerSpec.HostReadOnly().WithProcess(p => p.Args("true").User(70000, 0).Rlimit((ResourceLimit)77, 1, 1).Rlimit(ResourceLimit.Nofile, 10, 5))
            .WithUserNamespace(u => u.MapUser(0, 100000, 65536).MapUser(10, 300000, 5).MapUser(100000, 400000, 0).MapGroup(0, 100000, 10).MapGroup(5, 100005, 10));
        await Warm(spec);
        var before = HostSnapshot.Take();
        var e = Assert.ThrowsAsync<ContainerSpecException>(() => ContainerProcess.StartAsync(spec));
        var messages = e!.Errors.Select(x => $"{x.Field}: {x.Message}").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(messages, Has.Some.Contains("overlaps '0 100000 65536' inside the container"));
            Assert.That(messages, Has.Some.Contains("maps no ids (size 0)"));
            Assert.That(messages, Has.Some.Contains("gidMappings[1]: '5 100005 10' overlaps '0 100000 10' inside the container"));
            Assert.That(messages, Has.Some.Contains("overlaps '0 100000 10' on the host"));
            Assert.That(messages, Has.Some.Contains("process.user.uid: uid 70000 is not mapped"));
            Assert.That(messages, Has.Some.Contains("process.rlimits[0]: 77 is not a resource limit"));
            Assert.That(messages, Has.Some.Contains("the soft limit is above the hard limit"));
        });
        await HostSnapshot.AssertUnchangedSince(before);
    }

    /// <summary>Fails once first, so that the assemblies the failure loads do not count as leaked descriptors.</summary>
    private static async Task Warm(ContainerSpec spec)
    {
        try
        {
            await using var _ = await ContainerProcess.StartAsync(spec);
        }
        catch (ContainerSpecException)
        {
        }
    }
}
