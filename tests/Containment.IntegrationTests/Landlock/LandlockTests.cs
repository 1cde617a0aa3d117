using Containment.IntegrationTests.Support;
using Containment.Landlock;

namespace Containment.IntegrationTests.Landlock;

/// <summary>
/// Landlock rules enforced by the kernel on the container's process: each test runs a shell in a read-only host view
/// with two writable tmpfs mounts (/rw and /ro), confined by the rules, and checks what the kernel refused (and, for
/// contrast, that the same script does it without the rules: the denial is Landlock's, not the mounts').
/// </summary>
public class LandlockTests
{
    /// <summary>Skips a test on a kernel without Landlock (Linux 5.13+, CONFIG_SECURITY_LANDLOCK, "landlock" in lsm=).</summary>
    internal static void RequireLandlock()
    {
        if (LandlockAbi.Current == 0)
            Assert.Ignore("this kernel has no Landlock");
    }

    [SetUp]
    public void SetUp() => RequireLandlock();

    /// <summary>What every script needs: the programs and libraries under /usr (Debian's /bin and /lib link there) and /dev/null.</summary>
    private static LandlockRules Base => LandlockRules.Empty.Execute("/usr").ReadWrite("/dev/null");

    private static ContainerSpec Spec(string script, LandlockRules? rules) => ContainerSpec.HostReadOnly()
        .WithMounts(m => m.Tmpfs("/rw").Tmpfs("/ro"))
        .WithLandlock(rules)
        .WithProcess(p => p.Args("/bin/sh", "-c", script));

    private static async Task<(Run.Result Result, ContainerProcess Process)> Start(string script, LandlockRules? rules, ContainerStartOptions? options = null)
    {
        using var cts = new CancellationTokenSource(Run.Timeout);
        await using var c = await ContainerProcess.StartAsync(Spec(script, rules), options ?? new(), cts.Token);
        var stdout = c.StandardOutput!.ReadToEndAsync(cts.Token);
        var stderr = c.StandardError!.ReadToEndAsync(cts.Token);
        var exit = await c.WaitForExitAsync(cts.Token);
        return (new Run.Result(exit, await stdout, await stderr), c);
    }

    private static async Task<string> Output(string script, LandlockRules? rules)
    {
        var (r, _) = await Start(script, rules);
        return r.Stdout + r.Stderr;
    }

    [Test]
    public async Task Writes_outside_the_read_write_paths_fail_with_EACCES()
    {
        const string script = "echo a > /rw/f && echo rw-ok; echo b > /ro/f && echo ro-written; mkdir /ro/d && echo ro-mkdir; true";
        var (confined, process) = await Start(script, Base.ReadWrite("/rw").ReadOnly("/ro"));
        Assert.That(process.LandlockAbi, Is.EqualTo(LandlockAbi.Current).And.GreaterThan(0));
        Assert.That(confined.Stdout, Is.EqualTo("rw-ok\n"), confined.Stderr);
        Assert.That(confined.Stderr, Does.Contain("/ro/f: Permission denied").And.Contain("Permission denied"));
        Assert.That(await Output(script, null), Is.EqualTo("rw-ok\nro-written\nro-mkdir\n"), "the same script without Landlock");
    }

    [Test]
    public async Task Reads_outside_every_path_fail_and_reads_inside_the_read_only_paths_succeed()
    {
        // A rule on a file: /etc/passwd opens, its siblings and the directory's listing do not.
        const string script = "cat /etc/passwd >/dev/null && echo passwd-read; cat /etc/group >/dev/null && echo group-read; ls /etc >/dev/null && echo etc-listed; true";
        var (confined, _) = await Start(script, Base.ReadOnly("/etc/passwd"));
        Assert.That(confined.Stdout, Is.EqualTo("passwd-read\n"), confined.Stderr);
        Assert.That(confined.Stderr, Does.Contain("/etc/group: Permission denied"));
        Assert.That(await Output(script, null), Is.EqualTo("passwd-read\ngroup-read\netc-listed\n"), "the same reads without Landlock");
    }

    [Test]
    public async Task Exec_outside_the_execute_paths_fails()
    {
        const string script = "cp /usr/bin/true /rw/t && /usr/bin/true && echo usr-exec; /rw/t && echo rw-exec; echo $?";
        var (confined, _) = await Start(script, Base.ReadWrite("/rw"));
        Assert.That(confined.Stdout, Is.EqualTo("usr-exec\n126\n"), confined.Stderr);
        Assert.That(confined.Stderr, Does.Contain("/rw/t: Permission denied"));
        Assert.That(await Output(script, null), Is.EqualTo("usr-exec\nrw-exec\n0\n"), "the same exec without Landlock");
    }

    [Test]
    public async Task The_rules_survive_exec_a_program_started_by_the_program_is_still_confined()
    {
        var output = await Output("exec /bin/sh -c '/bin/sh -c \"echo b > /ro/f && echo written; cat /etc/hostname || echo denied\"'", Base.ReadOnly("/ro"));
        Assert.That(output, Does.Contain("/ro/f: Permission denied").And.Contain("denied").And.Not.Contain("written"));
    }

    [Test]
    public async Task Landlock_sets_no_new_privs_even_when_the_spec_leaves_it_off()
    {
        const string script = "grep NoNewPrivs /proc/self/status";
        Assert.That(await Output(script, Base.ReadOnly("/proc")), Is.EqualTo("NoNewPrivs:\t1\n"));
        Assert.That(await Output(script, null), Is.EqualTo("NoNewPrivs:\t0\n"), "the spec's default, without Landlock");
    }

    [Test]
    public async Task An_exec_into_the_container_runs_under_the_same_rules()
    {
        using var cts = new CancellationTokenSource(Run.Timeout);
        await using var c = await ContainerProcess.StartAsync(Spec("sleep 60", Base.ReadOnly("/ro")), cts.Token);
        await using var exec = await c.ExecAsync(p => p.Args("/bin/sh", "-c", "cat /etc/group || echo denied"), cancellationToken: cts.Token);
        var output = await exec.StandardOutput!.ReadToEndAsync(cts.Token);
        await exec.WaitForExitAsync(cts.Token);
        Assert.That(output, Is.EqualTo("denied\n"));
        Assert.That(exec.LandlockAbi, Is.EqualTo(c.LandlockAbi));
    }

    [Test]
    public async Task A_TCP_connect_to_a_port_outside_the_rules_fails_with_EACCES()
    {
        if (LandlockAbi.Current < LandlockPlanner.NetworkAbi)
            Assert.Ignore($"this kernel has Landlock ABI {LandlockAbi.Current}; TCP rules need {LandlockPlanner.NetworkAbi}");
        // Nothing listens in the container's own network namespace: an allowed port is refused by the stack (ECONNREFUSED,
        // 111), a denied one by Landlock before any packet (EACCES, 13).
        const string script = """perl -MSocket -e 'for $p (@ARGV) { socket(my $s, PF_INET, SOCK_STREAM, 0) or die "socket: $!"; print "$p:", (connect($s, pack_sockaddr_in($p, inet_aton("127.0.0.1"))) ? 0 : $!+0), "\n" }' 9 80""";
        Assert.That(await Output(script, Base.ConnectTcp(9)), Is.EqualTo("9:111\n80:13\n"));
        Assert.That(await Output(script, Base), Is.EqualTo("9:111\n80:111\n"), "TCP is not restricted without ConnectTcp");
    }

    [Test]
    public async Task Best_effort_drops_a_rule_the_ABI_cannot_enforce_reports_it_and_keeps_the_rest()
    {
        // Negotiated as if the kernel had ABI 3: the TCP rule (ABI 4) is dropped, the filesystem rules stay.
        var options = new ContainerStartOptions { LandlockAbi = 3 };
        var (r, process) = await Start("cat /etc/hostname || echo denied", Base.ConnectTcp(443).WithBestEffort(), options);
        Assert.That(process.LandlockAbi, Is.EqualTo(3));
        Assert.That(process.LandlockDropped, Has.Length.EqualTo(1).And.Some.Contain("landlock.connectTcp").And.Some.Contain("ABI 4"));
        Assert.That(r.Stdout, Is.EqualTo("denied\n"), r.Stderr);
        var e = Assert.ThrowsAsync<ContainerSpecException>(() => Start("true", Base.ConnectTcp(443), options));
        Assert.That(e!.Message, Does.Contain("landlock.connectTcp").And.Contain("ABI 4"));
    }

    [Test]
    public void A_missing_path_fails_the_start_naming_the_path_and_errno()
    {
        var e = Assert.ThrowsAsync<ContainerStartException>(() => Start("true", Base.ReadOnly("/no/such/dir")));
        Assert.That(e!.Message, Does.Contain("landlock_add_rule").And.Contain("/no/such/dir"));
        Assert.That(e.Errno, Is.EqualTo(2), e.Message);
    }
}
