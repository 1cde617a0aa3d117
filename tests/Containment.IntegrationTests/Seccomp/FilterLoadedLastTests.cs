using Containment.IntegrationTests.Support;
using Containment.Seccomp;

namespace Containment.IntegrationTests.Seccomp;

/// <summary>
/// The filter is the last thing before execve: a profile that allows only what the program itself needs (plus execve)
/// runs it, whatever the launch did before, and a failed exec under such a filter is still reported with its errno.
/// </summary>
public class FilterLoadedLastTests
{
    /// <summary>A program of three system calls: nothing else runs in the process once the exec succeeded.</summary>
    private const string Source = """
        static long sys3(long n, long a, long b, long c)
        {
            long r;
            __asm__ volatile ("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
            return r;
        }

        void _start(void)
        {
            sys3(1 /* write */, 1, (long)"ran\n", 4);
            sys3(231 /* exit_group */, 0, 0, 0);
            for (;;) ;
        }
        """;

    private static readonly Lazy<string> Built = new(() =>
        StaticProgram.Build("three-calls", Source, "-nostdlib", "-fno-stack-protector", "-fcf-protection=none"));

    /// <summary>The probe's own calls and execve: ERRNO(EPERM) for everything else.</summary>
    internal static readonly SeccompProfile OnlyTheProgram =
        SeccompProfile.Create(SeccompAction.Errno).Allow("execve", "write", "exit_group");

    internal static string ProbePath
    {
        get
        {
            Assume.That(ArchitectureInfo.Native, Is.EqualTo(SeccompArchitecture.X86_64), "the probe is x86_64 assembly");
            return Built.Value;
        }
    }

    public static IEnumerable<TestCaseData> Identities()
    {
        yield return new TestCaseData((Func<ContainerSpec, ContainerSpec>)(s => s)).SetName("{m}(root)");
        yield return new TestCaseData((Func<ContainerSpec, ContainerSpec>)(s => s.WithProcess(p => p.User(1000, 1000))))
            .SetName("{m}(non-root user)");
        yield return new TestCaseData((Func<ContainerSpec, ContainerSpec>)(s => s.WithProcess(p => p.NoNewPrivileges())))
            .SetName("{m}(no_new_privs)");
        yield return new TestCaseData((Func<ContainerSpec, ContainerSpec>)(s => s.WithProcess(p => p.User(1000, 1000).NoNewPrivileges())))
            .SetName("{m}(non-root user, no_new_privs)");
        yield return new TestCaseData((Func<ContainerSpec, ContainerSpec>)(s =>
                s.WithUserNamespace(u => u.MapUser(0, 100000, 65536).MapGroup(0, 100000, 65536)).WithProcess(p => p.User(1000, 1000))))
            .SetName("{m}(user namespace, non-root user)");
    }

    [TestCaseSource(nameof(Identities))]
    public async Task A_profile_allowing_only_the_programs_calls_and_execve_runs_it(Func<ContainerSpec, ContainerSpec> identity)
    {
        var spec = identity(ContainerSpec.HostReadOnly().WithProcess(p => p.Args(ProbePath)).WithSeccomp(OnlyTheProgram));
        var r = await Run.ToCompletion(spec);
        Assert.That(r.Exit.ExitCode, Is.EqualTo(0), $"{r.Exit}: {r.Stderr}");
        Assert.That(r.Stdout, Is.EqualTo("ran\n"));
    }

    [TestCaseSource(nameof(Identities))]
    public void An_exec_failing_under_such_a_filter_is_reported_with_its_errno(Func<ContainerSpec, ContainerSpec> identity)
    {
        var spec = identity(ContainerSpec.HostReadOnly().WithProcess(p => p.Args("/no/such/program")).WithSeccomp(OnlyTheProgram));
        var e = Assert.ThrowsAsync<ContainerStartException>(() => Run.ToCompletion(spec))!;
        Assert.That(e.Syscall, Is.EqualTo("execve"), e.Message);
        Assert.That(e.ErrnoName, Is.EqualTo("ENOENT"), e.Message);
    }

    [Test]
    public void A_filter_that_refuses_execve_fails_the_start_at_the_exec_with_the_filters_errno()
    {
        var spec = ContainerSpec.HostReadOnly().WithProcess(p => p.Args(ProbePath))
            .WithSeccomp(SeccompProfile.Create(SeccompAction.Errno).Allow("write", "exit_group").Errno("execve", SeccompErrno.EACCES));
        var e = Assert.ThrowsAsync<ContainerStartException>(() => Run.ToCompletion(spec))!;
        Assert.That(e.Syscall, Is.EqualTo("execve"), e.Message);
        Assert.That(e.ErrnoName, Is.EqualTo("EACCES"), e.Message);
    }

    [Test]
    public async Task An_old_default_profile_without_close_range_or_clone3_runs_a_busybox_shell()
    {
        using var rootfs = TestRootfs.Create();
        var r = await Run.ToCompletion(ContainerSpec.FromRootfs(rootfs.Path)
            .WithSeccomp(SeccompProfile.FromJson(OldDockerProfile.Json))
            .WithProcess(p => p.Args("/bin/sh", "-c", "ls / >/dev/null && (echo piped | cat) && cat /etc/marker && grep -c '^Seccomp:.2' /proc/self/status")));
        Assert.That(r.Exit.ExitCode, Is.EqualTo(0), $"{r.Exit}: {r.Stderr}");
        Assert.That(r.Stdout, Is.EqualTo("piped\ninside-rootfs\n1\n"));
    }
}
