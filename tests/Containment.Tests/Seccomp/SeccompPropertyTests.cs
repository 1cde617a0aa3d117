using Containment.Capabilities;
using Containment.Seccomp;
using Containment.Seccomp.Bpf;
using CsCheck;

namespace Containment.Tests.Seccomp;

/// <summary>
/// For random profiles and random calls, the compiled program run in the interpreter returns exactly what a direct
/// evaluation of the profile decides.
/// </summary>
public class SeccompPropertyTests
{
    private static readonly ulong[] Interesting =
        [0, 1, 2, 8, 40, 0x7fffffff, 0x80000000, 0xffffffff, 0x1_0000_0000, 0x1_0000_0001, 0x8000_0000_0000_0000, ulong.MaxValue - 1, ulong.MaxValue];

    private static readonly Gen<ulong> Value = Gen.Frequency(
        (3, Gen.OneOf(Interesting)),
        (1, Gen.ULong),
        (1, Gen.ULong[0, 16]),
        (1, Gen.Select(Gen.UInt, Gen.OneOf(0u, 1u, 0xffffffffu), (lo, hi) => ((ulong)hi << 32) | lo)));

    private static readonly Gen<SeccompArgCondition> Condition =
        Gen.Select(Gen.Int[0, 5], Gen.Enum<SeccompArgOperator>(), Value, Value,
            (index, op, value, two) => new SeccompArgCondition(index, op, value, op == SeccompArgOperator.MaskedEqual && two % 3 == 0 ? value & two : two));

    private static readonly Gen<(SeccompAction Action, uint? Errno)> Action = Gen.OneOf(
        Gen.OneOf(SeccompAction.Allow, SeccompAction.KillProcess, SeccompAction.KillThread, SeccompAction.Trap,
            SeccompAction.Log, SeccompAction.Notify).Select(a => (a, (uint?)null)),
        Gen.Select(Gen.OneOf(SeccompAction.Errno, SeccompAction.Trace), Gen.UInt[0, 4095].Nullable(), (a, e) => (a, e)));

    private static Gen<SeccompRule> Rule(string[] names) =>
        Gen.Select(Gen.OneOf(names).Array[1, 4], Action, Gen.Frequency((2, Condition.Array[0, 0]), (3, Condition.Array[1, 3])),
            (n, a, args) => new SeccompRule(n.Distinct(), a.Action, a.Errno, args));

    private static Gen<SeccompProfile> Profile(SeccompArchitecture native)
    {
        var table = ArchitectureInfo.Get(native).Table!;
        // A small pool of names makes rules collide on the same call, which is where order matters.
        var names = Gen.Int[4, 40].SelectMany(count => Gen.Shuffle(table.Names.ToArray(), count));
        var defaults = Gen.OneOf(
            (SeccompAction.Errno, (SeccompErrno?)null), (SeccompAction.Errno, SeccompErrno.ENOSYS), (SeccompAction.Errno, SeccompErrno.EACCES),
            (SeccompAction.Allow, null), (SeccompAction.KillProcess, null), (SeccompAction.Trap, null), (SeccompAction.Log, null),
            (SeccompAction.Trace, null), (SeccompAction.KillThread, null));
        var family = ArchitectureInfo.Family(native).Where(a => ArchitectureInfo.Get(a).Table is not null).ToArray();
        return Gen.Select(defaults, Gen.OneOf(family).Array[0, family.Length], names, (d, arches, pool) => (d, arches, pool))
            .SelectMany(t => Rule(t.pool).Array[0, 25].Select(rules =>
                SeccompProfile.Create(t.d.Item1, t.d.Item2).WithArchitectures(t.arches).WithRules(rules)));
    }

    private static Gen<SeccompData> Calls(ResolvedProfile resolved)
    {
        var audits = resolved.Sections.Select(s => s.AuditArch).Append(0xC00000B7u).Append(0x40000003u).Distinct().ToArray();
        var named = resolved.Sections.SelectMany(s => s.Abis).SelectMany(a => a.RulesByNumber.Keys).ToArray();
        var maxes = resolved.Sections.SelectMany(s => s.Abis).Select(a => a.MaxNumber ?? 0).ToArray();
        var nr = Gen.Frequency(
            (6, named.Length > 0 ? Gen.OneOf(named) : Gen.UInt[0, 500]),
            (2, Gen.UInt[0, 600]),
            (1, Gen.OneOf(maxes).SelectMany(m => Gen.UInt[m == 0 ? 0 : m - 1, m + 1])),
            (1, Gen.OneOf(0x3fffffffu, 0x40000000u, 0x40000001u, 0x40000200u, 0x400001ffu, 0x7fffffffu, 0x80000000u,
                0xfffffffeu, 0xffffffffu, 0x0f0002u, 0x0f0005u, 0x100000u)),
            (1, Gen.UInt));
        var arg = Gen.Frequency((3, Value), (2, Value.Select(v => v + 1)), (2, Value.Select(v => v - 1)));
        return Gen.Select(Gen.OneOf(audits), nr, arg.Array[6], Gen.Bool,
            (audit, n, args, x32) => new SeccompData(x32 && n < 0x40000000 ? n | 0x40000000 : n, audit, args));
    }

    private static void CheckAgreement(SeccompArchitecture native)
    {
        var profiles = 0;
        var calls = 0;
        Gen.Select(Profile(native), Gen.UInt).Sample((profile, seed) =>
        {
            ResolvedProfile resolved;
            try
            {
                resolved = ResolvedProfile.Create(profile, CapabilitySet.Empty, native, null);
            }
            catch (ContainerSpecException)
            {
                return; // Random flags or ABIs may make an invalid profile; validation is tested elsewhere.
            }
            var filter = SeccompCompiler.Compile(resolved);
            var program = filter.Instructions.ToArray();
            Assert.That(BpfValidator.Check(program), Is.Empty);
            Interlocked.Increment(ref profiles);
            Calls(resolved).Sample(call =>
            {
                Interlocked.Increment(ref calls);
                var compiled = BpfInterpreter.Run(program, call, filter.BigEndian);
                var direct = SeccompEvaluator.Evaluate(resolved, call.Arch, call.Nr, call.Args);
                if (compiled != direct.ReturnValue)
                    Assert.Fail($"nr 0x{call.Nr:x} arch 0x{call.Arch:x} args [{string.Join(", ", call.Args.Select(a => $"0x{a:x}"))}]: " +
                                $"compiled 0x{compiled:x8}, direct {direct}\n{profile.ToJson()}");
            }, iter: 60, seed: null, threads: 1);
        }, iter: 400, threads: 1);
        TestContext.Out.WriteLine($"{profiles} profiles compiled, {calls} calls compared");
        Assert.That(profiles, Is.GreaterThan(300), "most random profiles are valid");
    }

    [Test]
    public void Compiled_x86_64_filters_agree_with_the_profile() => CheckAgreement(SeccompArchitecture.X86_64);

    [Test]
    public void Compiled_aarch64_filters_agree_with_the_profile() => CheckAgreement(SeccompArchitecture.Aarch64);

    [Test]
    public void Compiled_s390x_filters_agree_with_the_profile_in_big_endian() => CheckAgreement(SeccompArchitecture.S390x);

    [Test]
    public void The_default_profile_agrees_for_every_capability_set()
    {
        var caps = Gen.OneOf(Capability.SysAdmin, Capability.SysPtrace, Capability.SysBoot, Capability.SysTime, Capability.Bpf, Capability.SysNice).Array[0, 4];
        Gen.Select(caps, Gen.OneOf(SeccompArchitecture.X86_64, SeccompArchitecture.Aarch64)).Sample((capabilities, native) =>
        {
            var resolved = ResolvedProfile.Create(SeccompProfile.Default, CapabilitySet.Of(capabilities), native, null);
            var filter = SeccompCompiler.Compile(resolved);
            var program = filter.Instructions.ToArray();
            Calls(resolved).Sample(call =>
                Assert.That(BpfInterpreter.Run(program, call), Is.EqualTo(SeccompEvaluator.Evaluate(resolved, call.Arch, call.Nr, call.Args).ReturnValue)),
                iter: 200, threads: 1);
        }, iter: 30, threads: 1);
    }
}
