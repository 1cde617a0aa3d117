using Containment.Seccomp;
using static Containment.IntegrationTests.Seccomp.SyscallProbe;

namespace Containment.IntegrationTests.Seccomp;

/// <summary>
/// Compiled programs the kernel must accept and enforce exactly: argument compares, 64-bit values, every action and
/// flag, long jumps. Each runs the probe as the container's process (no shell: it might make the call itself).
/// </summary>
public class SeccompFilterKernelTests
{
    private static async Task<string> Probe(SeccompProfile profile, string call, params object[] args)
    {
        var r = await Support.Run.ToCompletion(ContainerSpec.HostReadOnly().WithSeccomp(profile)
            .WithProcess(p => p.Args([ProbePath, Nr(call).ToString(), .. args.Select(a => a.ToString()!)])));
        Assert.That(r.Exit.ExitCode, Is.EqualTo(0), $"{r.Exit}: {r.Stderr}");
        return r.Stdout.Trim();
    }

    [Test]
    public async Task Argument_rules_are_enforced_by_the_kernel()
    {
        Assert.That(await Probe(SeccompProfile.Default, "personality", 0xffffffff), Does.EndWith("errno=0"));
        Assert.That(await Probe(SeccompProfile.Default, "personality", 0x0040000), Is.EqualTo("ret=-1 errno=1"));
        Assert.That(await Probe(SeccompProfile.Default, "socket", 40, 1, 0), Is.EqualTo("ret=-1 errno=1"), "AF_VSOCK");
        Assert.That(await Probe(SeccompProfile.Default, "socket", 1, 1, 0), Does.EndWith("errno=0"), "AF_UNIX");
    }

    [Test]
    public async Task A_64_bit_argument_compare_holds_in_the_kernel()
    {
        // getpid ignores its arguments, so only the filter decides.
        var profile = SeccompProfile.Default.Errno("getpid", SeccompErrno.EIO, a => a.Arg(0).GreaterThan(0xffffffff));
        Assert.That(await Probe(profile, "getpid", 0x1_0000_0000), Is.EqualTo("ret=-1 errno=5"));
        Assert.That(await Probe(profile, "getpid", 0xffffffff), Does.EndWith("errno=0"));
    }

    [Test]
    public async Task Clone3_fails_with_ENOSYS_so_that_libc_falls_back_to_clone() =>
        Assert.That(await Probe(SeccompProfile.Default, "clone3", 0, 0), Is.EqualTo("ret=-1 errno=38"));

    [Test]
    public async Task Log_and_trace_actions_and_the_log_and_spec_allow_flags_are_accepted()
    {
        var profile = SeccompProfile.Default.Log("getppid").Trace(3, "getpgrp")
            .WithFlags(SeccompFilterFlags.Log | SeccompFilterFlags.SpecAllow);
        Assert.That(await Probe(profile, "getppid"), Does.EndWith("errno=0"), "LOG allows");
        Assert.That(await Probe(profile, "getpgrp"), Is.EqualTo("ret=-1 errno=38"), "TRACE without a tracer: ENOSYS");
    }

    [Test]
    public async Task A_profile_with_many_argument_rules_and_long_jumps_loads()
    {
        var profile = SeccompProfile.Default;
        for (ulong i = 0; i < 150; i++)
            profile = profile.Errno("getpid", SeccompErrno.EIO, a => a.Arg(1).Equal(0x5400 + i));
        Assert.That(SeccompCompiler.Compile(profile, Capabilities.CapabilitySet.Default).Count, Is.GreaterThan(600));
        Assert.That(await Probe(profile, "getpid", 0, 0x5400 + 149), Is.EqualTo("ret=-1 errno=5"));
        Assert.That(await Probe(profile, "getpid", 0, 0x5400 + 150), Does.EndWith("errno=0"));
    }
}
