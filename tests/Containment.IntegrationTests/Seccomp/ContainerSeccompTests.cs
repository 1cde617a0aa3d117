using Containment.Capabilities;
using Containment.IntegrationTests.Support;
using Containment.Seccomp;
using static Containment.IntegrationTests.Seccomp.SyscallProbe;

namespace Containment.IntegrationTests.Seccomp;

/// <summary>Seccomp through <see cref="ContainerProcess"/>: the filter the launch loads, checked from inside.</summary>
public class ContainerSeccompTests
{
    private const string EPERM = "errno=1", EACCES = "errno=13", ENOSYS = "errno=38";

    private static async Task<string> Shell(string script, Func<ContainerSpec, ContainerSpec>? configure = null)
    {
        var r = await Run.Shell(script, configure);
        Assert.That(r.Exit.ExitCode, Is.EqualTo(0), $"{r.Exit}: {r.Stderr}");
        return r.Stdout.Trim();
    }

    private static string SeccompMode(string status) =>
        status.Split('\n').Single(l => l.StartsWith("Seccomp:", StringComparison.Ordinal)).Split(':')[1].Trim();

    [Test]
    public async Task Busybox_sh_ls_and_cat_run_under_the_default_profile_which_is_on_by_default()
    {
        using var rootfs = TestRootfs.Create();
        var r = await Run.ToCompletion(ContainerSpec.FromRootfs(rootfs.Path)
            .WithProcess(p => p.Args("/bin/sh", "-c", "ls / >/dev/null && cat /etc/marker && (echo piped | cat) && cat /proc/self/status")));
        Assert.That(r.Exit.ExitCode, Is.EqualTo(0), r.Stderr);
        Assert.That(r.Stdout, Does.StartWith("inside-rootfs\npiped\n"));
        Assert.That(SeccompMode(r.Stdout), Is.EqualTo("2"), "filter mode");
    }

    [Test]
    public async Task Unconfined_is_really_unconfined()
    {
        var status = await Shell("cat /proc/self/status", s => s.WithSeccomp(null));
        Assert.That(SeccompMode(status), Is.EqualTo("0"));
    }

    [Test]
    public async Task Unshare_mount_and_keyctl_fail_with_EPERM_under_the_default_profile_and_not_without_it()
    {
        // Each call is one the kernel itself answers otherwise here: unshare(CLONE_NEWUSER) succeeds for root, mount
        // with a bad pointer fails with EFAULT before any permission check, keyctl(GET_KEYRING_ID, SESSION) gives an id.
        var script = string.Join("; ", Call("unshare", 0x10000000), Call("mount", 1, 1, 1, 0, 0), Call("keyctl", 0, -3, 0));
        var confined = (await Shell(script)).Split('\n');
        var unconfined = (await Shell(script, s => s.WithSeccomp(null))).Split('\n');
        Assert.Multiple(() =>
        {
            Assert.That(confined, Has.All.EndWith(EPERM));
            Assert.That(unconfined[0], Is.EqualTo("ret=0 errno=0"), "unshare unconfined");
            Assert.That(unconfined[1], Does.EndWith("errno=14"), "mount unconfined: EFAULT");
            Assert.That(unconfined[2], Does.EndWith("errno=0"), "keyctl unconfined");
        });
    }

    [Test]
    public async Task CAP_SYS_ADMIN_lets_the_default_profile_allow_mount_and_unshare_but_not_keyctl()
    {
        var output = await Shell($"mount -t tmpfs none /mnt && echo mounted; {Call("unshare", 0x20000 /* CLONE_NEWNS */)}; {Call("keyctl", 0, -3, 0)}",
            s => s.WithCapabilities(c => c.Add(Capability.SysAdmin)));
        Assert.That(output.Split('\n'), Is.EqualTo(new[] { "mounted", "ret=0 errno=0", $"ret=-1 {EPERM}" }));
    }

    [Test]
    public async Task A_denied_syscall_returns_the_given_errno()
    {
        var output = await Shell(Call("mkdir", "/tmp/denied", "0755") + "; test -e /tmp/denied && echo exists || echo absent",
            s => s.WithSeccompRules(p => p.Errno("mkdir", SeccompErrno.EACCES)));
        Assert.That(output.Split('\n'), Is.EqualTo(new[] { $"ret=-1 {EACCES}", "absent" }));
    }

    [Test]
    public async Task Deny_fails_a_call_with_EPERM_also_for_an_unconfined_container()
    {
        var output = await Shell(Call("getppid"), s => s.WithSeccomp(null).WithSeccompRules(p => p.Deny("getppid")));
        Assert.That(output, Is.EqualTo($"ret=-1 {EPERM}"));
    }

    /// <summary>Runs the probe as the container's process (no shell, which might make the call itself).</summary>
    private static Task<Run.Result> Probe(Func<SeccompProfile, SeccompProfile> profile, params string[] args) =>
        Run.ToCompletion(ContainerSpec.HostReadOnly().WithProcess(p => p.Args([ProbePath, .. args])).WithSeccompRules(profile));

    [Test]
    public async Task Kill_kills_the_process_with_SIGSYS()
    {
        var r = await Probe(p => p.Kill("getppid"), Nr("getppid").ToString());
        Assert.That(r.Exit.Signal, Is.EqualTo(Signal.Sys), r.Exit.ToString());
        Assert.That(r.Stdout, Is.Empty);
    }

    [Test]
    public async Task Trap_delivers_SIGSYS_naming_the_call()
    {
        var r = await Probe(p => p.Trap("getpgrp"), "trap", Nr("getpgrp").ToString());
        Assert.That(r.Stdout.Trim(), Is.EqualTo($"sigsys nr={Nr("getpgrp")}"));
        Assert.That(r.Exit.ExitCode, Is.EqualTo(0));
    }

    [Test]
    public async Task A_call_newer_than_the_profile_fails_with_ENOSYS_and_an_old_unlisted_one_with_EPERM()
    {
        // 463 (setxattrat, Linux 6.13) is above every number the default profile names on x86_64; add_key is old and unlisted.
        Assume.That(ArchitectureInfo.Native, Is.EqualTo(SeccompArchitecture.X86_64), "the numbers are x86_64's");
        var script = $"{ProbePath} 463 -1 0 0 0 0 0; {Call("add_key")}";
        var confined = (await Shell(script)).Split('\n');
        Assert.That(confined, Is.EqualTo(new[] { $"ret=-1 {ENOSYS}", $"ret=-1 {EPERM}" }));
        var unconfined = (await Shell(script, s => s.WithSeccomp(null))).Split('\n');
        Assume.That(unconfined[0], Does.Not.EndWith(ENOSYS), "this kernel predates setxattrat, so ENOSYS proves nothing more");
    }

    [Test]
    public async Task With_no_new_privileges_the_filter_is_loaded_last_and_still_holds()
    {
        var output = await Shell($"grep -E '^(Seccomp|NoNewPrivs):' /proc/self/status; {Call("keyctl", 0, -3, 0)}",
            s => s.WithProcess(p => p.NoNewPrivileges()));
        Assert.That(output.Split('\n').Select(l => l.Replace("\t", "")), Is.EqualTo(new[] { "NoNewPrivs:1", "Seccomp:2", $"ret=-1 {EPERM}" }));
    }

    [Test]
    public async Task A_non_root_user_in_a_user_namespace_runs_under_the_default_profile()
    {
        var output = await Shell($"id -u; grep '^Seccomp:' /proc/self/status; {Call("keyctl", 0, -3, 0)}",
            s => s.WithUserNamespace(u => u.MapUser(0, 100000, 65536).MapGroup(0, 100000, 65536)).WithProcess(p => p.User(1000, 1000)));
        Assert.That(output.Split('\n').Select(l => l.Replace("\t", "")), Is.EqualTo(new[] { "1000", "Seccomp:2", $"ret=-1 {EPERM}" }));
    }

    [Test]
    public void A_profile_naming_an_unknown_call_is_refused_before_anything_starts()
    {
        var e = Assert.ThrowsAsync<ContainerSpecException>(() => Run.Shell("true", s => s.WithSeccompRules(p => p.Deny("no_such_call"))));
        Assert.That(e!.Errors.Single().Field, Does.StartWith("syscalls["));
        Assert.That(e.Message, Does.Contain("no_such_call is not a system call"));
    }

    [Test]
    public async Task A_launch_step_failing_after_the_filter_is_loaded_leaves_nothing_behind()
    {
        var spec = ContainerSpec.HostReadOnly().WithProcess(p => p.Args("/bin/true"));
        var steps = global::Containment.Launch.PlanCompiler.Compile(spec, new global::Containment.Launch.LaunchInputs()).Steps;
        var seccompStep = steps.ToList().FindIndex(s => s.Syscall == "seccomp");
        Assert.That(seccompStep, Is.GreaterThan(0));
        await Run.ToCompletion(spec);
        var before = HostSnapshot.TakeSettled();
        foreach (var step in new[] { seccompStep, seccompStep + 1 })
        {
            var e = Assert.ThrowsAsync<ContainerStartException>(() =>
                ContainerProcess.StartAsync(spec, new ContainerStartOptions { FailAtStep = step, InjectedErrno = Interop.Errno.EXDEV }));
            Assert.That(e!.Step, Is.EqualTo(step));
        }
        await HostSnapshot.AssertUnchangedSince(before);
    }
}
