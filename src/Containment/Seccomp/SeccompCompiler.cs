using Containment.Capabilities;
using Containment.Seccomp.Bpf;
using Microsoft.Extensions.Logging;

namespace Containment.Seccomp;

/// <summary>
/// Compiles a profile to a classic BPF seccomp program.
/// <para>Shape: load the arch; one <c>jeq</c> per AUDIT_ARCH value covered, anything else kills the process. Per
/// arch: load the call number, then a binary search (<c>jge</c>), weighted towards frequent calls, over the number line cut into ranges with
/// one outcome each — runs of consecutive calls with the same action are one range, numbers above the highest the
/// profile names are one ENOSYS range, x32 numbers (bit 0x40000000) on x86_64 are their own ranges (or kill when the
/// profile does not cover x32). A range whose calls have argument conditions ends in a block that compares 64-bit
/// arguments as two 32-bit halves, high word first, rules tried last to first.</para>
/// </summary>
internal static class SeccompCompiler
{
    public static CompiledSeccompFilter Compile(SeccompProfile profile, CapabilitySet capabilities,
        SeccompArchitecture? native = null, ILogger? logger = null)
    {
        var resolved = ResolvedProfile.Create(profile, capabilities, native ?? ArchitectureInfo.Native, logger);
        return Compile(resolved, logger);
    }

    public static CompiledSeccompFilter Compile(ResolvedProfile resolved, ILogger? logger = null)
    {
        var bigEndian = ArchitectureInfo.Get(resolved.Native).BigEndian;
        var asm = new BpfAssembler();
        asm.LoadWord(SeccompData.ArchOffset);
        var sectionLabels = new List<BpfAssembler.Label>();
        foreach (var section in resolved.Sections)
        {
            var body = asm.NewLabel();
            var next = asm.NewLabel();
            sectionLabels.Add(body);
            asm.Jump(Op.Jeq, section.AuditArch, body, next);
            asm.Mark(next);
        }
        asm.Return(resolved.BadArchReturn);
        for (var s = 0; s < resolved.Sections.Count; s++)
        {
            asm.Mark(sectionLabels[s]);
            asm.LoadWord(SeccompData.NrOffset);
            var ranges = Ranges(resolved, resolved.Sections[s]);
            var roots = OptimalRoots(ranges);
            EmitSearch(asm, ranges, 0, ranges.Count - 1, resolved, bigEndian, roots);
            System.Buffers.ArrayPool<int>.Shared.Return(roots);
        }
        var program = asm.Assemble();
        var problems = BpfValidator.Check(program);
        if (problems.Count > 0)
        {
            if (program.Length > Op.MaxInstructions)
                throw new ContainerSpecException([new SpecError("syscalls",
                    $"the compiled filter has {program.Length} instructions, more than the kernel's limit of {Op.MaxInstructions}")]);
            throw new InvalidOperationException("seccomp compiler produced an invalid program: " + string.Join("; ", problems));
        }

        var flags = resolved.Profile.Flags;
        var actions = resolved.Sections.SelectMany(s => s.Abis).SelectMany(a => a.RulesByNumber.Values).SelectMany(l => l)
            .Select(r => r.Rule.Action).Append(resolved.Profile.DefaultAction).Distinct().Order().ToArray();
        if (actions.Contains(SeccompAction.Notify))
            flags |= SeccompFilterFlags.NewListener;
        logger?.LogDebug("seccomp: compiled {Count} instructions for {Sections} architectures, flags 0x{Flags:x}",
            program.Length, resolved.Sections.Count, (uint)flags);
        return new CompiledSeccompFilter(program, flags, resolved.Native, resolved, actions);
    }

    /// <summary>What happens to the calls of one range.</summary>
    private sealed record Outcome(uint? Return, ResolvedAbi? Abi, List<(int Index, SeccompRule Rule)>? Rules)
    {
        public static Outcome Of(uint value) => new(value, null, null);
    }

    private readonly record struct Range(uint Low, Outcome Outcome, double Weight);

    /// <summary>
    /// Calls that dominate real workloads (strace -c of servers, shells and runtimes): the search tree is balanced
    /// by weight so these are decided in a few instructions, and the rest in a few more.
    /// </summary>
    private static readonly Dictionary<string, double> HotCalls = new(StringComparer.Ordinal)
    {
        ["read"] = 64, ["write"] = 64, ["futex"] = 48, ["epoll_wait"] = 24, ["epoll_pwait"] = 24, ["recvfrom"] = 16,
        ["sendto"] = 16, ["recvmsg"] = 16, ["sendmsg"] = 16, ["openat"] = 16, ["close"] = 16, ["mmap"] = 16,
        ["munmap"] = 8, ["newfstatat"] = 8, ["fstat"] = 8, ["statx"] = 8, ["lseek"] = 8, ["poll"] = 8, ["ppoll"] = 8,
        ["pread64"] = 8, ["pwrite64"] = 8, ["readv"] = 8, ["writev"] = 8, ["ioctl"] = 8, ["mprotect"] = 8,
        ["madvise"] = 8, ["brk"] = 4, ["rt_sigprocmask"] = 8, ["rt_sigaction"] = 4, ["rt_sigreturn"] = 4,
        ["nanosleep"] = 4, ["clock_nanosleep"] = 4, ["clock_gettime"] = 4, ["sched_yield"] = 4, ["getpid"] = 4,
        ["gettid"] = 4, ["fcntl"] = 4, ["accept4"] = 4, ["getdents64"] = 4, ["epoll_ctl"] = 8,
    };

    /// <summary>Cuts [0, 2^32) into ranges with one outcome each, merging neighbours that return the same value.</summary>
    private static List<Range> Ranges(ResolvedProfile profile, ResolvedSection section)
    {
        // Every point where the outcome may change: each named call and the number after it, each ABI's first
        // number above the profile, x32's bit, -1, ARM's private range, s390's call 0.
        var cuts = new List<uint>(4 * section.Abis.Sum(a => a.RulesByNumber.Count) + 8) { 0, 1 };
        void Cut(ulong value)
        {
            if (value <= uint.MaxValue)
                cuts.Add((uint)value);
        }
        foreach (var abi in section.Abis)
        {
            foreach (var nr in abi.RulesByNumber.Keys)
            {
                Cut(nr);
                Cut((ulong)nr + 1);
            }
            if (abi.MaxNumber is { } max)
                Cut((ulong)max + 1);
        }
        if (section.HasX32Split)
        {
            Cut(ArchitectureInfo.X32Bit);
            Cut(uint.MaxValue);
        }
        Cut(ArchitectureInfo.ArmPrivateBase);
        Cut((ulong)ArchitectureInfo.ArmPrivateEnd + 1);

        cuts.Sort();
        var hot = new Dictionary<uint, double>();
        foreach (var abi in section.Abis.Where(a => a.Info.Architecture == profile.Native)) // compat ABIs are rare
            foreach (var (name, weight) in HotCalls)
                if (abi.Info.Table!.TryGetNumber(name, out var nr))
                    hot[(uint)nr] = weight;

        var ranges = new List<Range>(cuts.Count);
        var previous = -1L;
        foreach (var low in cuts)
        {
            if (low == previous)
                continue;
            previous = low;
            var outcome = OutcomeAt(profile, section, low);
            var weight = hot.TryGetValue(low, out var w) ? w : 0;
            if (ranges.Count > 0 && outcome.Return is { } value && ranges[^1].Outcome.Return == value)
            {
                ranges[^1] = ranges[^1] with { Weight = ranges[^1].Weight + weight };
                continue;
            }
            ranges.Add(new Range(low, outcome, 1 + weight));
        }
        return ranges;
    }

    private static Outcome OutcomeAt(ResolvedProfile profile, ResolvedSection section, uint nr)
    {
        var abi = section.AbiFor(nr);
        if (abi is null)
            return Outcome.Of(profile.BadArchReturn);
        if (abi.RulesByNumber.TryGetValue(nr, out var rules))
        {
            // The last unconditional rule shadows everything before it; rules after it may still match first.
            var start = rules.Count - 1;
            while (start >= 0 && rules[start].Rule.Args.Count != 0)
                start--;
            if (start == rules.Count - 1)
                return Outcome.Of(rules[start].Rule.ReturnValue);
            return new Outcome(null, abi, start <= 0 ? rules : rules.GetRange(start, rules.Count - start));
        }
        if (profile.EnosysStub && abi.IsNewerThanProfile(nr))
            return Outcome.Of(SeccompReturn.Errno | SeccompReturn.ENOSYS);
        return Outcome.Of(profile.DefaultReturn);
    }

    /// <summary>
    /// The search tree that minimises the expected number of comparisons for the range weights (an optimal
    /// alphabetic tree: dynamic programming with Knuth's monotone-root bound, O(n²)). Returns, for each interval
    /// [i, j], the index of the first range of its right subtree.
    /// </summary>
    private static int[] OptimalRoots(List<Range> ranges)
    {
        var n = ranges.Count;
        var prefix = new double[n + 1];
        for (var i = 0; i < n; i++)
            prefix[i + 1] = prefix[i] + ranges[i].Weight;
        var cost = System.Buffers.ArrayPool<double>.Shared.Rent(n * n);
        var root = System.Buffers.ArrayPool<int>.Shared.Rent(n * n); // returned by the caller
        try
        {
            for (var i = 0; i < n; i++)
                cost[i * n + i] = 0;
            for (var length = 2; length <= n; length++)
            {
                for (var i = 0; i + length - 1 < n; i++)
                {
                    var j = i + length - 1;
                    var lo = length == 2 ? i + 1 : Math.Max(i + 1, root[i * n + j - 1]);
                    var hi = length == 2 ? j : Math.Min(j, root[(i + 1) * n + j]);
                    var best = double.MaxValue;
                    var bestK = lo;
                    for (var k = lo; k <= hi; k++)
                    {
                        var c = cost[i * n + k - 1] + cost[k * n + j];
                        if (c < best)
                        {
                            best = c;
                            bestK = k;
                        }
                    }
                    cost[i * n + j] = best + prefix[j + 1] - prefix[i];
                    root[i * n + j] = bestK;
                }
            }
            return root;
        }
        finally
        {
            System.Buffers.ArrayPool<double>.Shared.Return(cost);
        }
    }

    private static void EmitSearch(BpfAssembler asm, List<Range> ranges, int first, int last, ResolvedProfile profile, bool bigEndian,
        int[] roots)
    {
        if (first == last)
        {
            EmitOutcome(asm, ranges[first].Outcome, profile, bigEndian);
            return;
        }
        var mid = roots[first * ranges.Count + last];
        var low = asm.NewLabel();
        var high = asm.NewLabel();
        asm.Jump(Op.Jge, ranges[mid].Low, high, low);
        asm.Mark(low);
        EmitSearch(asm, ranges, first, mid - 1, profile, bigEndian, roots);
        asm.Mark(high);
        EmitSearch(asm, ranges, mid, last, profile, bigEndian, roots);
    }

    private static void EmitOutcome(BpfAssembler asm, Outcome outcome, ResolvedProfile profile, bool bigEndian)
    {
        if (outcome.Return is { } value)
        {
            asm.Return(value);
            return;
        }
        // Rules tried last to first: the last one whose conditions all hold decides.
        var rules = outcome.Rules!;
        for (var i = rules.Count - 1; i >= 0; i--)
        {
            var rule = rules[i].Rule;
            if (rule.Args.Count == 0)
            {
                asm.Return(rule.ReturnValue);
                return;
            }
            var fail = asm.NewLabel();
            foreach (var condition in rule.Args)
                EmitCondition(asm, condition, fail, bigEndian);
            asm.Return(rule.ReturnValue);
            asm.Mark(fail);
        }
        asm.Return(profile.DefaultReturn);
    }

    /// <summary>Falls through when the condition holds, jumps to <paramref name="fail"/> when not.</summary>
    private static void EmitCondition(BpfAssembler asm, SeccompArgCondition c, BpfAssembler.Label fail, bool bigEndian)
    {
        var hiOffset = SeccompData.ArgOffset(c.Index, high: true, bigEndian);
        var loOffset = SeccompData.ArgOffset(c.Index, high: false, bigEndian);
        var hi = (uint)(c.Value >> 32);
        var lo = (uint)c.Value;
        var match = asm.NewLabel();
        var next = asm.NewLabel();
        var next2 = asm.NewLabel();
        switch (c.Operator)
        {
            case SeccompArgOperator.Equal:
                asm.LoadWord(hiOffset);
                asm.Jump(Op.Jeq, hi, next, fail);
                asm.Mark(next);
                asm.LoadWord(loOffset);
                asm.Jump(Op.Jeq, lo, match, fail);
                break;
            case SeccompArgOperator.NotEqual:
                asm.LoadWord(hiOffset);
                asm.Jump(Op.Jeq, hi, next, match);
                asm.Mark(next);
                asm.LoadWord(loOffset);
                asm.Jump(Op.Jeq, lo, fail, match);
                break;
            case SeccompArgOperator.GreaterThan or SeccompArgOperator.GreaterOrEqual:
                // hi > v.hi → holds; hi < v.hi → fails; equal high words → compare the low words.
                asm.LoadWord(hiOffset);
                asm.Jump(Op.Jgt, hi, match, next);
                asm.Mark(next);
                asm.Jump(Op.Jeq, hi, next2, fail);
                asm.Mark(next2);
                asm.LoadWord(loOffset);
                asm.Jump(c.Operator == SeccompArgOperator.GreaterThan ? Op.Jgt : Op.Jge, lo, match, fail);
                break;
            case SeccompArgOperator.LessThan or SeccompArgOperator.LessOrEqual:
                // The negation of ≥ (for <) and > (for ≤).
                asm.LoadWord(hiOffset);
                asm.Jump(Op.Jgt, hi, fail, next);
                asm.Mark(next);
                asm.Jump(Op.Jeq, hi, next2, match);
                asm.Mark(next2);
                asm.LoadWord(loOffset);
                asm.Jump(c.Operator == SeccompArgOperator.LessThan ? Op.Jge : Op.Jgt, lo, fail, match);
                break;
            case SeccompArgOperator.MaskedEqual:
            {
                var maskHi = (uint)(c.Value >> 32);
                var wantHi = (uint)(c.ValueTwo >> 32);
                if (maskHi != 0 || wantHi != 0)
                {
                    asm.LoadWord(hiOffset);
                    asm.Stmt(Op.Alu | Op.And | Op.K, maskHi);
                    asm.Jump(Op.Jeq, wantHi, next, fail);
                }
                asm.Mark(next);
                asm.LoadWord(loOffset);
                asm.Stmt(Op.Alu | Op.And | Op.K, (uint)c.Value);
                asm.Jump(Op.Jeq, (uint)c.ValueTwo, match, fail);
                break;
            }
            default:
                throw new InvalidOperationException($"unknown operator {c.Operator}");
        }
        asm.Mark(match);
        // Labels not used by this operator must still be placed.
        if (c.Operator is SeccompArgOperator.Equal or SeccompArgOperator.NotEqual or SeccompArgOperator.MaskedEqual)
            asm.Mark(next2);
    }
}
