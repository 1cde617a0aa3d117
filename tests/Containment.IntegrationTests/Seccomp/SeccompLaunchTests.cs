using Containment.Capabilities;
using Containment.IntegrationTests.Support;
using Containment.Seccomp;

namespace Containment.IntegrationTests.Seccomp;

/// <summary>The container's seccomp filter, as the kernel applies it to the launched process.</summary>
public class SeccompLaunchTests
{
    private const string Mode = "grep '^Seccomp:' /proc/self/status | tr -d ' \\t'";
    private static readonly SeccompProfile DenyMkdir = SeccompProfile.Default.Errno("mkdir", SeccompErrno.EACCES).Errno("mkdirat", SeccompErrno.EACCES);

    [Test]
    public async Task Every_container_runs_under_the_default_filter_and_ordinary_programs_work()
    {
        var r = await Run.Shell($"{Mode}; ls / >/dev/null && cat /etc/hostname >/dev/null && echo ok");
        Assert.That(r.Exit.ExitCode, Is.Zero, r.Stderr);
        Assert.That(r.Stdout, Is.EqualTo("Seccomp:2\nok\n"));
    }

    [Test]
    public async Task Unconfined_means_no_filter()
    {
        var r = await Run.Shell(Mode, s => s.WithSeccomp(null));
        Assert.That(r.Stdout.Trim(), Is.EqualTo("Seccomp:0"));
    }

    [Test]
    public async Task A_denied_call_fails_with_the_profiles_errno_and_the_same_call_is_allowed_unconfined()
    {
        var denied = await Run.Shell("/bin/mkdir /tmp/d", s => s.WithSeccomp(DenyMkdir));
        Assert.That(denied.Exit.ExitCode, Is.Not.Zero);
        Assert.That(denied.Stderr, Does.Contain("Permission denied"));
        var allowed = await Run.Shell("/bin/mkdir /tmp/d && echo made");
        Assert.That(allowed.Stdout.Trim(), Is.EqualTo("made"), allowed.Stderr);
    }

    [Test]
    public async Task Kill_ends_the_process_with_SIGSYS()
    {
        var r = await Run.ToCompletion(ContainerSpec.HostReadOnly().WithSeccomp(SeccompProfile.Default.Kill("mkdir", "mkdirat"))
            .WithProcess(p => p.Args("/bin/mkdir", "/tmp/k")));
        Assert.That(r.Exit.Signal, Is.EqualTo(Signal.Sys));
    }

    [Test]
    public async Task Trap_delivers_SIGSYS()
    {
        var r = await Run.Shell("/bin/mkdir /tmp/t; echo $?", s => s.WithSeccomp(SeccompProfile.Default.Trap("mkdir", "mkdirat")));
        Assert.That(r.Stdout.Trim(), Is.EqualTo((128 + (int)Signal.Sys).ToString()));
    }

    [Test]
    public async Task The_default_blocks_new_namespaces_and_mounts_without_CAP_SYS_ADMIN_and_allows_them_with_it()
    {
        const string script = "unshare -m true && echo unshare-ok; mkdir -p /tmp/m && mount -t tmpfs x /tmp/m && echo mount-ok";
        var without = await Run.Shell(script);
        Assert.That(without.Stdout, Does.Not.Contain("-ok"));
        var with = await Run.Shell(script, s => s.WithCapabilities(c => c.Add(Capability.SysAdmin)));
        Assert.That(with.Stdout, Is.EqualTo("unshare-ok\nmount-ok\n"), with.Stderr);
    }

    [Test]
    public async Task A_profile_rule_denies_mount_even_with_CAP_SYS_ADMIN()
    {
        var r = await Run.Shell("mkdir -p /tmp/m && mount -t tmpfs x /tmp/m && echo mount-ok",
            s => s.WithCapabilities(c => c.Add(Capability.SysAdmin)).WithSeccomp(SeccompProfile.Default.Errno("mount", SeccompErrno.EPERM)));
        Assert.That(r.Stdout, Does.Not.Contain("mount-ok"));
        Assert.That(r.Stderr, Does.Contain("ermission denied").Or.Contain("not permitted"));
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task A_non_root_user_runs_filtered_with_and_without_no_new_privileges(bool noNewPrivileges)
    {
        var r = await Run.Shell($"id -u; {Mode}; grep '^NoNewPrivs:' /proc/self/status | tr -d ' \\t'; /bin/mkdir /tmp/u",
            s => s.WithSeccomp(DenyMkdir).WithProcess(p => p.User(1000, 1000).NoNewPrivileges(noNewPrivileges)));
        Assert.That(r.Stdout, Is.EqualTo($"1000\nSeccomp:2\nNoNewPrivs:{(noNewPrivileges ? 1 : 0)}\n"), r.Stderr);
        Assert.That(r.Stderr, Does.Contain("Permission denied"));
    }

    [Test]
    public void A_notify_rule_is_refused_before_start_naming_the_rule()
    {
        var spec = ContainerSpec.HostReadOnly().WithSeccomp(SeccompProfile.Default.Notify("mknod")).WithProcess(p => p.Args("/bin/true"));
        var e = Assert.ThrowsAsync<ContainerSpecException>(async () => await Run.ToCompletion(spec));
        Assert.That(e!.Errors, Has.Some.Matches<SpecError>(x => x.Field.StartsWith("seccomp.syscalls[") && x.Message.Contains("NOTIFY")));
    }
}
