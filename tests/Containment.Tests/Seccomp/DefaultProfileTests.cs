using Containment.Capabilities;
using Containment.Seccomp;
using Containment.Seccomp.Bpf;
using static Containment.Tests.Seccomp.SeccompTestKit;

namespace Containment.Tests.Seccomp;

public class DefaultProfileTests
{
    private static readonly CompiledSeccompFilter Unprivileged = Compile(SeccompProfile.Default);

    [Test]
    public void Every_name_in_the_default_profile_is_a_system_call_somewhere()
    {
        var tables = ArchitectureInfo.Every.Where(a => a.Table is not null).Select(a => a.Table!).ToArray();
        var unknown = SeccompProfile.Default.Syscalls.SelectMany(r => r.Names)
            .Where(n => !tables.Any(t => t.TryGetNumber(n, out _))).ToArray();
        Assert.That(unknown, Is.Empty);
    }

    [Test]
    public void The_default_profile_compiles_to_a_program_the_kernel_would_accept()
    {
        Assert.That(BpfValidator.Check(Unprivileged.Instructions.ToArray()), Is.Empty);
        Assert.That(Unprivileged.Count, Is.InRange(50, 1000));
        Assert.That(Unprivileged.Bytes, Has.Length.EqualTo(Unprivileged.Count * 8));
        Assert.That(Unprivileged.Flags, Is.EqualTo(SeccompFilterFlags.None));
    }

    [TestCase("read")]
    [TestCase("write")]
    [TestCase("openat")]
    [TestCase("futex")]
    [TestCase("mmap")]
    [TestCase("execve")]
    [TestCase("exit_group")]
    public void Ordinary_calls_are_allowed(string name) =>
        Assert.That(Run(Unprivileged, SeccompArchitecture.X86_64, name), Is.EqualTo(Allow));

    [TestCase("mount")]
    [TestCase("unshare")]
    [TestCase("keyctl")]
    [TestCase("setns")]
    [TestCase("reboot")]
    [TestCase("init_module")]
    [TestCase("add_key")]
    public void Privileged_calls_fail_with_EPERM_without_capabilities(string name) =>
        Assert.That(Run(Unprivileged, SeccompArchitecture.X86_64, name), Is.EqualTo(EPERM));

    [Test]
    public void CAP_SYS_ADMIN_allows_mount_and_unshare_but_not_keyctl()
    {
        var admin = Compile(SeccompProfile.Default, CapabilitySet.Of(Capability.SysAdmin));
        Assert.That(Run(admin, SeccompArchitecture.X86_64, "mount"), Is.EqualTo(Allow));
        Assert.That(Run(admin, SeccompArchitecture.X86_64, "unshare"), Is.EqualTo(Allow));
        Assert.That(Run(admin, SeccompArchitecture.X86_64, "clone3"), Is.EqualTo(Allow));
        Assert.That(Run(admin, SeccompArchitecture.X86_64, "clone", 0x10000000 /* CLONE_NEWUSER */), Is.EqualTo(Allow));
        Assert.That(Run(admin, SeccompArchitecture.X86_64, "keyctl"), Is.EqualTo(EPERM));
    }

    [Test]
    public void Capabilities_given_as_a_mask_are_understood()
    {
        var admin = SeccompCompiler.Compile(SeccompProfile.Default, CapabilitySet.FromMask(1UL << 21), SeccompArchitecture.X86_64);
        Assert.That(Run(admin, SeccompArchitecture.X86_64, "mount"), Is.EqualTo(Allow));
    }

    [Test]
    public void Clone_may_create_threads_but_not_namespaces()
    {
        const ulong threadFlags = 0x003D0F00; // CLONE_VM|FS|FILES|SIGHAND|THREAD|SYSVSEM|SETTLS|PARENT_SETTID|CHILD_CLEARTID
        Assert.That(Run(Unprivileged, SeccompArchitecture.X86_64, "clone", threadFlags), Is.EqualTo(Allow));
        Assert.That(Run(Unprivileged, SeccompArchitecture.X86_64, "clone", 0x10000000 | 0x11 /* NEWUSER|SIGCHLD */), Is.EqualTo(EPERM));
        Assert.That(Run(Unprivileged, SeccompArchitecture.X86_64, "clone", 0x20000000 /* NEWPID */), Is.EqualTo(EPERM));
        Assert.That(Run(Unprivileged, SeccompArchitecture.X86, "clone", 0x00020000 /* NEWNS */), Is.EqualTo(EPERM));
    }

    [Test]
    public void Clone3_fails_with_ENOSYS_so_libc_falls_back_to_clone() =>
        Assert.That(Run(Unprivileged, SeccompArchitecture.X86_64, "clone3"), Is.EqualTo(ENOSYS));

    [Test]
    public void Only_harmless_personalities_are_allowed()
    {
        Assert.That(Run(Unprivileged, SeccompArchitecture.X86_64, "personality", 0), Is.EqualTo(Allow));
        Assert.That(Run(Unprivileged, SeccompArchitecture.X86_64, "personality", 0xffffffff), Is.EqualTo(Allow));
        Assert.That(Run(Unprivileged, SeccompArchitecture.X86_64, "personality", 0x0040000 /* ADDR_NO_RANDOMIZE */), Is.EqualTo(EPERM));
        Assert.That(Run(Unprivileged, SeccompArchitecture.X86_64, "personality", 0x1_0000_0000), Is.EqualTo(EPERM));
    }

    [Test]
    public void Vsock_sockets_are_refused_and_others_allowed()
    {
        Assert.That(Run(Unprivileged, SeccompArchitecture.X86_64, "socket", 40), Is.EqualTo(EPERM));
        Assert.That(Run(Unprivileged, SeccompArchitecture.X86_64, "socket", 2 /* AF_INET */), Is.EqualTo(Allow));
        Assert.That(Run(Unprivileged, SeccompArchitecture.X86_64, "socket", 1 /* AF_UNIX */), Is.EqualTo(Allow));
    }

    [Test]
    public void Thirty_two_bit_and_x32_programs_get_the_same_rules()
    {
        Assert.That(Run(Unprivileged, SeccompArchitecture.X86, "read"), Is.EqualTo(Allow));
        Assert.That(Run(Unprivileged, SeccompArchitecture.X86, "mount"), Is.EqualTo(EPERM));
        Assert.That(Run(Unprivileged, SeccompArchitecture.X32, "read"), Is.EqualTo(Allow));
        Assert.That(Run(Unprivileged, SeccompArchitecture.X32, "mount"), Is.EqualTo(EPERM));
        Assert.That(Run(Unprivileged, SeccompArchitecture.X32, "rt_sigaction"), Is.EqualTo(Allow));
    }

    [Test]
    public void Calls_newer_than_the_profile_fail_with_ENOSYS_and_unknown_old_ones_with_EPERM()
    {
        Assert.That(RunNr(Unprivileged, AuditX86_64, 1000), Is.EqualTo(ENOSYS));
        Assert.That(RunNr(Unprivileged, AuditX86_64, 0x3FFFFFFF), Is.EqualTo(ENOSYS));
        Assert.That(RunNr(Unprivileged, AuditX86_64, uint.MaxValue), Is.EqualTo(ENOSYS));
        Assert.That(RunNr(Unprivileged, AuditI386, 1000), Is.EqualTo(ENOSYS));
        Assert.That(RunNr(Unprivileged, AuditX86_64, 0x40000000 | 1000), Is.EqualTo(ENOSYS));
        Assert.That(Run(Unprivileged, SeccompArchitecture.X86_64, "userfaultfd"), Is.EqualTo(EPERM));
    }

    [Test]
    public void A_foreign_architecture_kills_the_process()
    {
        Assert.That(RunNr(Unprivileged, AuditAarch64, 63), Is.EqualTo(KillProcess));
        Assert.That(RunNr(Unprivileged, 0, 0), Is.EqualTo(KillProcess));
    }

    [Test]
    public void On_aarch64_the_filter_covers_aarch64_and_arm()
    {
        var arm64 = Compile(SeccompProfile.Default, native: SeccompArchitecture.Aarch64);
        Assert.That(Run(arm64, SeccompArchitecture.Aarch64, "read"), Is.EqualTo(Allow));
        Assert.That(Run(arm64, SeccompArchitecture.Arm, "cacheflush"), Is.EqualTo(Allow));
        Assert.That(Run(arm64, SeccompArchitecture.Arm, "mount"), Is.EqualTo(EPERM));
        Assert.That(RunNr(arm64, AuditX86_64, 0), Is.EqualTo(KillProcess));
        Assert.That(RunNr(arm64, AuditArm, 0x0f0003 /* usr26: private, not named */), Is.EqualTo(EPERM));
        Assert.That(RunNr(arm64, AuditArm, 2000), Is.EqualTo(ENOSYS));
    }

    [Test]
    public void Explain_names_the_deciding_rule()
    {
        var mount = SeccompProfile.Default.Explain(SeccompArchitecture.X86_64, "mount");
        Assert.That(mount.Action, Is.EqualTo(SeccompAction.Errno));
        Assert.That(mount.Data, Is.EqualTo(1));
        Assert.That(mount.RuleIndex, Is.Null);
        var read = SeccompProfile.Default.Explain(SeccompArchitecture.X86_64, "read");
        Assert.That(read.Action, Is.EqualTo(SeccompAction.Allow));
        Assert.That(read.RuleIndex, Is.EqualTo(0));
        var clone3 = SeccompProfile.Default.Explain(SeccompArchitecture.X86_64, "clone3");
        Assert.That(clone3.Rule!.ExcludedCapabilities, Does.Contain("CAP_SYS_ADMIN"));
        Assert.That(clone3.ToString(), Does.StartWith("ERRNO(ENOSYS)"));
    }

    [Test]
    public void Explain_says_which_capability_would_allow_a_refused_call()
    {
        var mount = SeccompProfile.Default.Explain(SeccompArchitecture.X86_64, "mount");
        Assert.That(mount.ToString(), Does.StartWith("ERRNO(EPERM): no rule names mount"));
        Assert.That(mount.Reason, Does.Contain("would decide it with CAP_SYS_ADMIN"));
        var allowed = SeccompProfile.Default.Explain(SeccompArchitecture.X86_64, "mount", capabilities: CapabilitySet.Of(Capability.SysAdmin));
        Assert.That(allowed.ToString(), Does.StartWith("ALLOW: syscalls[").And.Contain("[with CAP_SYS_ADMIN]"));
    }
}
