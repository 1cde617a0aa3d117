using Containment.Seccomp;
using Containment.Seccomp.Bpf;
using static Containment.Tests.Seccomp.SeccompTestKit;

namespace Containment.Tests.Seccomp;

public class SeccompCompilerTests
{
    private static readonly ulong[] EdgeValues =
        [0, 1, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 0x1_0000_0000, 0x1_0000_0001, 0x8000_0000_0000_0000, ulong.MaxValue - 1, ulong.MaxValue];

    private static IEnumerable<TestCaseData> EveryOperatorAndEdge()
    {
        foreach (var op in Enum.GetValues<SeccompArgOperator>())
            foreach (var value in EdgeValues)
                yield return new TestCaseData(op, value).SetName($"{op} {value:x}");
    }

    [TestCaseSource(nameof(EveryOperatorAndEdge))]
    public void Every_operator_compares_all_64_bits(SeccompArgOperator op, ulong value)
    {
        var valueTwo = op == SeccompArgOperator.MaskedEqual ? value & 0xffff0000_0000ffff : 0;
        var condition = new SeccompArgCondition(2, op, value, valueTwo);
        var profile = SeccompProfile.Create(SeccompAction.Errno).WithRule(new SeccompRule(["write"], SeccompAction.Allow, args: [condition]));
        var filter = Compile(profile);
        foreach (var arg in EdgeValues.Concat(EdgeValues.Select(v => v ^ value)).Concat([value, value + 1, value - 1]))
        {
            var expected = condition.Matches(arg) ? Allow : EPERM;
            Assert.That(Run(filter, SeccompArchitecture.X86_64, "write", 0, 0, arg), Is.EqualTo(expected), $"{condition} with arg 0x{arg:x}");
        }
    }

    [Test]
    public void Greater_than_is_not_fooled_by_a_larger_low_word()
    {
        // GHSA-4q85: 0x1_0000_0000 > 0xffffffff although its low word is smaller.
        var profile = SeccompProfile.Create(SeccompAction.Errno).Allow("write", a => a.Arg(0).GreaterThan(0xffffffff));
        var filter = Compile(profile);
        Assert.That(Run(filter, SeccompArchitecture.X86_64, "write", 0x1_0000_0000), Is.EqualTo(Allow));
        Assert.That(Run(filter, SeccompArchitecture.X86_64, "write", 0xffffffff), Is.EqualTo(EPERM));
        Assert.That(Run(filter, SeccompArchitecture.X86_64, "write", 0x0_ffff_fffe), Is.EqualTo(EPERM));
    }

    [TestCase(SeccompAction.KillProcess, null, KillProcess)]
    [TestCase(SeccompAction.KillThread, null, KillThread)]
    [TestCase(SeccompAction.Trap, null, Trap)]
    [TestCase(SeccompAction.Errno, 13u, 0x0005000Du)]
    [TestCase(SeccompAction.Errno, null, 0x00050001u)]
    [TestCase(SeccompAction.Trace, 7u, 0x7ff00007u)]
    [TestCase(SeccompAction.Allow, null, Allow)]
    [TestCase(SeccompAction.Log, null, Log)]
    [TestCase(SeccompAction.Notify, null, Notify)]
    public void Every_action_returns_its_kernel_value(SeccompAction action, uint? errno, uint expected)
    {
        var profile = SeccompProfile.Create(SeccompAction.Allow).WithRule(new SeccompRule(["getpid"], action, errno));
        var filter = Compile(profile);
        Assert.That(Run(filter, SeccompArchitecture.X86_64, "getpid"), Is.EqualTo(expected));
        Assert.That(Run(filter, SeccompArchitecture.X86_64, "getppid"), Is.EqualTo(Allow));
        Assert.That(filter.ReturnsListener, Is.EqualTo(action == SeccompAction.Notify));
    }

    [Test]
    public void Default_actions_apply_to_unnamed_calls()
    {
        foreach (var (action, expected) in new[] { (SeccompAction.KillProcess, KillProcess), (SeccompAction.Trap, Trap), (SeccompAction.Log, Log) })
        {
            var filter = Compile(SeccompProfile.Create(action).Allow("read", "openat")); // getpid (39) is below openat (257)
            Assert.That(Run(filter, SeccompArchitecture.X86_64, "getpid"), Is.EqualTo(expected));
        }
    }

    [Test]
    public void X32_calls_never_slip_through_an_x86_64_allow_list()
    {
        var profile = SeccompProfile.Create(SeccompAction.Errno).WithArchitectures(SeccompArchitecture.X86_64).Allow("read", "write");
        var filter = Compile(profile);
        Assert.That(Run(filter, SeccompArchitecture.X86_64, "read"), Is.EqualTo(Allow));
        Assert.That(Run(filter, SeccompArchitecture.X32, "read"), Is.EqualTo(KillProcess));
        Assert.That(RunNr(filter, AuditX86_64, 0x40000000), Is.EqualTo(KillProcess));
        Assert.That(RunNr(filter, AuditX86_64, 0xfffffffe), Is.EqualTo(KillProcess));
        Assert.That(RunNr(filter, AuditX86_64, uint.MaxValue), Is.EqualTo(ENOSYS), "-1 (a skipped call) is not x32");
    }

    [Test]
    public void X32_calls_follow_the_profile_when_it_covers_x32()
    {
        var profile = SeccompProfile.Create(SeccompAction.Errno).WithArchitectures(SeccompArchitecture.X32).Allow("read").Errno("writev", SeccompErrno.EIO);
        var filter = Compile(profile);
        Assert.That(Run(filter, SeccompArchitecture.X32, "read"), Is.EqualTo(Allow));
        Assert.That(Run(filter, SeccompArchitecture.X32, "writev"), Is.EqualTo(Errno(5)), "x32's own writev (0x40000204)");
        Assert.That(Run(filter, SeccompArchitecture.X32, "getpid"), Is.EqualTo(EPERM));
        Assert.That(Run(filter, SeccompArchitecture.X86_64, "writev"), Is.EqualTo(Errno(5)));
    }

    [Test]
    public void Thirty_two_bit_calls_are_checked_against_their_own_numbers()
    {
        // read is 0 on x86_64 and 3 on i386; 3 is close on x86_64.
        var profile = SeccompProfile.Create(SeccompAction.Errno).WithArchitectures(SeccompArchitecture.X86).Allow("read", "openat");
        var filter = Compile(profile);
        Assert.That(RunNr(filter, AuditI386, 3), Is.EqualTo(Allow));
        Assert.That(RunNr(filter, AuditX86_64, 3), Is.EqualTo(EPERM));
        Assert.That(RunNr(filter, AuditX86_64, 0), Is.EqualTo(Allow));
    }

    [Test]
    public void A_32_bit_ABI_left_out_of_the_profile_kills()
    {
        var filter = Compile(SeccompProfile.Create(SeccompAction.Errno).WithArchitectures(SeccompArchitecture.X86_64).Allow("read"));
        Assert.That(RunNr(filter, AuditI386, 3), Is.EqualTo(KillProcess));
    }

    [Test]
    public void No_ENOSYS_for_new_calls_when_the_default_allows_or_is_already_ENOSYS()
    {
        Assert.That(RunNr(Compile(SeccompProfile.Create(SeccompAction.Allow).Deny("mount")), AuditX86_64, 1000), Is.EqualTo(Allow));
        Assert.That(RunNr(Compile(SeccompProfile.Create(SeccompAction.Errno, SeccompErrno.ENOSYS).Allow("read")), AuditX86_64, 1000), Is.EqualTo(ENOSYS));
        Assert.That(RunNr(Compile(SeccompProfile.Create(SeccompAction.KillProcess).Allow("read")), AuditX86_64, 1000), Is.EqualTo(ENOSYS));
        Assert.That(RunNr(Compile(SeccompProfile.Create(SeccompAction.KillProcess).Allow("read", "openat")), AuditX86_64, 1), Is.EqualTo(KillProcess));
    }

    [Test]
    public void The_ENOSYS_boundary_is_the_highest_call_the_profile_names()
    {
        var filter = Compile(SeccompProfile.Create(SeccompAction.Errno).Allow("read", "openat")); // openat = 257
        Assert.That(RunNr(filter, AuditX86_64, 257), Is.EqualTo(Allow));
        Assert.That(RunNr(filter, AuditX86_64, 256), Is.EqualTo(EPERM));
        Assert.That(RunNr(filter, AuditX86_64, 258), Is.EqualTo(ENOSYS));
    }

    [Test]
    public void Later_rules_override_earlier_ones()
    {
        var profile = SeccompProfile.Create(SeccompAction.Errno)
            .Allow("socket")
            .Errno("socket", SeccompErrno.EACCES, a => a.Arg(0).Equal(16 /* AF_NETLINK */));
        var filter = Compile(profile);
        Assert.That(Run(filter, SeccompArchitecture.X86_64, "socket", 16), Is.EqualTo(Errno(13)));
        Assert.That(Run(filter, SeccompArchitecture.X86_64, "socket", 2), Is.EqualTo(Allow));
        Assert.That(profile.Explain(SeccompArchitecture.X86_64, "socket", [16]).RuleIndex, Is.EqualTo(1));
    }

    [Test]
    public void Conditions_of_one_rule_must_all_hold()
    {
        var profile = SeccompProfile.Create(SeccompAction.Errno).Allow("mmap", a => a.Arg(2).MaskedEqual(0x4, 0).Arg(3).LessThan(0x100));
        var filter = Compile(profile);
        Assert.That(Run(filter, SeccompArchitecture.X86_64, "mmap", 0, 0, 0x3, 0x22), Is.EqualTo(Allow));
        Assert.That(Run(filter, SeccompArchitecture.X86_64, "mmap", 0, 0, 0x7, 0x22), Is.EqualTo(EPERM));
        Assert.That(Run(filter, SeccompArchitecture.X86_64, "mmap", 0, 0, 0x3, 0x100), Is.EqualTo(EPERM));
    }

    [Test]
    public void Long_jumps_are_inserted_when_a_branch_skips_more_than_255_instructions()
    {
        // Hundreds of argument checks on one call, then many ranges: conditional jumps far beyond 255.
        var profile = SeccompProfile.Create(SeccompAction.Errno);
        for (ulong i = 0; i < 120; i++)
            profile = profile.Allow("ioctl", a => a.Arg(1).Equal(0x5400 + i));
        var table = ArchitectureInfo.Get(SeccompArchitecture.X86_64).Table!;
        foreach (var nr in Enumerable.Range(0, 300).Where(n => n % 3 == 0))
            if (table.NameOf(nr) is { } name && name != "ioctl")
                profile = profile.Errno(name, (SeccompErrno)(nr % 100 + 1));
        var filter = Compile(profile);
        Assert.That(BpfValidator.Check(filter.Instructions.ToArray()), Is.Empty);
        Assert.That(filter.Instructions.Any(i => i.Code == (Op.Jmp | Op.Ja)), Is.True, "a trampoline was needed");
        Assert.That(Run(filter, SeccompArchitecture.X86_64, "ioctl", 0, 0x5400 + 119), Is.EqualTo(Allow));
        Assert.That(Run(filter, SeccompArchitecture.X86_64, "ioctl", 0, 0x5400 + 120), Is.EqualTo(EPERM));
        for (var nr = 0; nr < 300; nr += 3)
            if (table.NameOf(nr) is { } name && name != "ioctl")
                Assert.That(RunNr(filter, AuditX86_64, (uint)nr), Is.EqualTo(Errno((uint)(nr % 100 + 1))), name);
    }

    [Test]
    public void The_bytes_are_sock_filter_structs_in_little_endian()
    {
        var filter = Compile(SeccompProfile.Create(SeccompAction.Errno).Allow("read"));
        var first = filter.Bytes.AsSpan(0, 8).ToArray();
        Assert.That(first, Is.EqualTo(new byte[] { 0x20, 0x00, 0, 0, 4, 0, 0, 0 }), "ld [4]: BPF_LD|BPF_W|BPF_ABS, k = offsetof(arch)");
        Assert.That(BpfInstruction.ReadProgram(filter.Bytes), Is.EqualTo(filter.Instructions));
    }

    [Test]
    public void Flags_carry_through_and_notify_adds_a_listener()
    {
        var p = SeccompProfile.Create(SeccompAction.Allow).WithFlags(SeccompFilterFlags.Log | SeccompFilterFlags.SpecAllow).Notify("mkdir");
        var f = Compile(p);
        Assert.That(f.Flags, Is.EqualTo(SeccompFilterFlags.Log | SeccompFilterFlags.SpecAllow | SeccompFilterFlags.NewListener));
        Assert.That((uint)SeccompFilterFlags.WaitKillableRecv, Is.EqualTo(32u));
        var bad = Assert.Throws<ContainerSpecException>(() => Compile(p.WithFlags(SeccompFilterFlags.Tsync)))!;
        Assert.That(bad.Errors.Single().Field, Is.EqualTo("flags"));
    }

    [Test]
    public void The_interpreter_counts_executed_instructions()
    {
        var filter = Compile(SeccompProfile.Create(SeccompAction.Errno).Allow("read"));
        BpfInterpreter.Run(filter.Instructions.ToArray(), new SeccompData(0, AuditX86_64), false, out var executed);
        Assert.That(executed, Is.InRange(4, 8));
    }
}
