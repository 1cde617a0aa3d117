using Containment.Capabilities;
using Containment.Seccomp;

namespace Containment.IntegrationTests.Seccomp;

/// <summary>Compiled filters loaded by the real kernel (x86_64 only: the numbers below are x86_64's).</summary>
[TestFixture]
public class SeccompKernelTests
{
    private SeccompHelper _helper = null!;

    private const int SysGetppid = 110, SysGetpgrp = 111, SysMkdir = 83, SysUnshare = 272, SysMount = 165, SysKeyctl = 250,
        SysClone3 = 435, SysPersonality = 135, SysSocket = 41, SysGetpid = 39;

    [OneTimeSetUp]
    public void CompileHelper()
    {
        if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.OSArchitecture != System.Runtime.InteropServices.Architecture.X64)
            Assert.Ignore("x86_64 Linux only");
        if (!File.Exists("/usr/bin/gcc"))
            Assert.Ignore("gcc is needed to build the helper");
        _helper = new SeccompHelper();
    }

    [OneTimeTearDown]
    public void Cleanup() => _helper?.Dispose();

    private static CompiledSeccompFilter Compile(SeccompProfile profile) =>
        SeccompCompiler.Compile(profile, CapabilitySet.Empty, SeccompArchitecture.X86_64);

    private (int ExitCode, string Output) Syscall(CompiledSeccompFilter filter, params long[] nrAndArgs) =>
        _helper.Run(filter, ["syscall", .. nrAndArgs.Select(a => a.ToString())]);

    [Test]
    public void The_kernel_accepts_the_default_profile_and_ordinary_programs_run()
    {
        var filter = Compile(SeccompProfile.Default);
        var (code, output) = _helper.Run(filter, "exec", "/bin/sh", "-c",
            "ls / >/dev/null && cat /proc/self/status | grep -q '^Seccomp:.2' && (true | cat) && echo fine");
        Assert.That(output.Trim(), Is.EqualTo("fine"));
        Assert.That(code, Is.EqualTo(0));
    }

    [TestCase(SysUnshare, 0x10000000L)]
    [TestCase(SysMount, 0L)]
    [TestCase(SysKeyctl, 0L)]
    public void Privileged_calls_fail_with_EPERM_under_the_default_profile(long nr, long arg0)
    {
        var (code, output) = Syscall(Compile(SeccompProfile.Default), nr, arg0);
        Assert.That(output.Trim(), Is.EqualTo("ret=-1 errno=1"));
        Assert.That(code, Is.EqualTo(0));
    }

    [Test]
    public void Clone3_fails_with_ENOSYS_under_the_default_profile() =>
        Assert.That(Syscall(Compile(SeccompProfile.Default), SysClone3, 0, 0).Output.Trim(), Is.EqualTo("ret=-1 errno=38"));

    [Test]
    public void A_call_newer_than_the_profile_fails_with_ENOSYS() =>
        Assert.That(Syscall(Compile(SeccompProfile.Default), 1000).Output.Trim(), Is.EqualTo("ret=-1 errno=38"));

    [Test]
    public void A_denied_syscall_returns_its_errno() =>
        Assert.That(Syscall(Compile(SeccompProfile.Default.Errno("mkdir", SeccompErrno.EACCES)), SysMkdir, 0, 0).Output.Trim(),
            Is.EqualTo("ret=-1 errno=13"));

    [Test]
    public void Argument_rules_are_enforced_by_the_kernel()
    {
        var filter = Compile(SeccompProfile.Default);
        Assert.That(Syscall(filter, SysPersonality, 0xffffffff).Output.Trim(), Does.StartWith("ret=").And.EndWith("errno=0"));
        Assert.That(Syscall(filter, SysPersonality, 0x0040000).Output.Trim(), Is.EqualTo("ret=-1 errno=1"));
        Assert.That(Syscall(filter, SysSocket, 40, 1, 0).Output.Trim(), Is.EqualTo("ret=-1 errno=1"), "AF_VSOCK");
    }

    [Test]
    public void A_64_bit_argument_compare_holds_in_the_kernel()
    {
        // getpid ignores its arguments, so only the filter decides.
        var filter = Compile(SeccompProfile.Default.Errno("getpid", SeccompErrno.EIO, a => a.Arg(0).GreaterThan(0xffffffff)));
        Assert.That(Syscall(filter, SysGetpid, 0x1_0000_0000).Output.Trim(), Is.EqualTo("ret=-1 errno=5"));
        Assert.That(Syscall(filter, SysGetpid, 0xffffffff).Output.Trim(), Does.EndWith("errno=0"));
    }

    [Test]
    public void Kill_kills_the_process_with_SIGSYS()
    {
        var (code, output) = Syscall(Compile(SeccompProfile.Default.Kill("getppid")), SysGetppid);
        Assert.That(code, Is.EqualTo(128 + 31), output);
        Assert.That(output, Does.Not.Contain("ret="));
    }

    [Test]
    public void Trap_delivers_SIGSYS_naming_the_call()
    {
        var (code, output) = _helper.Run(Compile(SeccompProfile.Default.Trap("getpgrp")), "trap", SysGetpgrp.ToString());
        Assert.That(output.Trim(), Is.EqualTo($"sigsys nr={SysGetpgrp}"));
        Assert.That(code, Is.EqualTo(0));
    }

    [Test]
    public void Every_action_and_flag_is_accepted_by_the_kernel()
    {
        var profile = SeccompProfile.Default.Log("getppid").Trace(3, "getpgrp")
            .WithFlags(SeccompFilterFlags.Log | SeccompFilterFlags.SpecAllow);
        var (code, output) = Syscall(Compile(profile), SysGetppid);
        Assert.That(output, Does.StartWith("ret="), "LOG allows");
        Assert.That(code, Is.EqualTo(0));
        // TRACE without a tracer: the call fails with ENOSYS.
        Assert.That(Syscall(Compile(profile), SysGetpgrp).Output.Trim(), Is.EqualTo("ret=-1 errno=38"));
    }

    [Test]
    public void A_profile_with_many_argument_rules_and_long_jumps_loads()
    {
        var profile = SeccompProfile.Default;
        for (ulong i = 0; i < 150; i++)
            profile = profile.Errno("getpid", SeccompErrno.EIO, a => a.Arg(1).Equal(0x5400 + i));
        var filter = Compile(profile);
        Assert.That(filter.Count, Is.GreaterThan(600));
        Assert.That(Syscall(filter, SysGetpid, 0, 0x5400 + 149).Output.Trim(), Is.EqualTo("ret=-1 errno=5"));
        Assert.That(Syscall(filter, SysGetpid, 0, 0x5400 + 150).Output.Trim(), Does.EndWith("errno=0"));
    }
}
