using Containment.Capabilities;
using Microsoft.Extensions.Logging;

namespace Containment.Seccomp;

/// <summary>
/// A profile made concrete for one machine and one container: conditional rules decided, names turned into numbers
/// for every ABI the filter covers, grouped by the AUDIT_ARCH value the kernel reports. Both the compiler and the
/// direct evaluator work from this.
/// </summary>
internal sealed class ResolvedProfile
{
    private ResolvedProfile(SeccompProfile profile, SeccompArchitecture native, uint defaultReturn, bool enosysStub,
        IReadOnlyList<ResolvedSection> sections)
    {
        Profile = profile;
        Native = native;
        DefaultReturn = defaultReturn;
        EnosysStub = enosysStub;
        Sections = sections;
    }

    public SeccompProfile Profile { get; }

    public SeccompArchitecture Native { get; }

    public uint DefaultReturn { get; }

    /// <summary>Calls made through an ABI the filter does not cover kill the process.</summary>
    public uint BadArchReturn => SeccompReturn.KillProcess;

    /// <summary>Whether calls above the profile's highest number get ENOSYS (runc's rule, see <see cref="SeccompProfile"/>).</summary>
    public bool EnosysStub { get; }

    public IReadOnlyList<ResolvedSection> Sections { get; }

    public ResolvedSection? SectionFor(uint auditArch) => Sections.FirstOrDefault(s => s.AuditArch == auditArch);

    public static ResolvedProfile Create(SeccompProfile profile, CapabilitySet capabilities, SeccompArchitecture native, ILogger? logger)
    {
        var errors = SeccompValidator.Validate(profile, "");
        if (errors.Count > 0)
            throw new ContainerSpecException(errors);

        // The ABIs compiled in: the native one and those of the profile a kernel of this architecture can run.
        var family = ArchitectureInfo.Family(native);
        var abis = new List<ArchitectureInfo>();
        foreach (var arch in new[] { native }.Concat(profile.Architectures).Distinct())
        {
            var info = ArchitectureInfo.Get(arch);
            if (!family.Contains(arch))
                logger?.LogDebug("seccomp: {Arch} cannot run on a {Native} kernel; left out of the filter", info.OciName, ArchitectureInfo.Get(native).OciName);
            else if (info.Table is null)
                logger?.LogWarning("seccomp: no syscall table for {Arch}; calls through it will kill the process", info.OciName);
            else
                abis.Add(info);
        }
        if (abis.Count == 0)
            throw new ContainerSpecException([new SpecError("architectures", $"no syscall table for the native architecture {ArchitectureInfo.Get(native).OciName}")]);

        // Every requested ABI with a table, also those not compiled in, decides whether a name is known at all.
        var requested = new[] { native }.Concat(profile.Architectures).Distinct()
            .Select(ArchitectureInfo.Get).Where(i => i.Table is not null).ToArray();

        var rules = new List<(int Index, SeccompRule Rule)>();
        for (var i = 0; i < profile.Syscalls.Count; i++)
            if (profile.Syscalls[i].AppliesTo(capabilities, native))
                rules.Add((i, profile.Syscalls[i]));

        var unknownEverywhere = new List<SpecError>();
        foreach (var (index, rule) in rules)
            for (var n = 0; n < rule.Names.Count; n++)
                if (!requested.Any(a => a.Table!.TryGetNumber(rule.Names[n], out _)))
                    unknownEverywhere.Add(new SpecError($"syscalls[{index}].names[{n}]",
                        $"{rule.Names[n]} is not a system call on {string.Join(", ", requested.Select(a => a.OciName))}"));
        if (unknownEverywhere.Count > 0)
            throw new ContainerSpecException(unknownEverywhere);

        var resolvedAbis = new List<ResolvedAbi>();
        foreach (var abi in abis)
        {
            var byNumber = new Dictionary<uint, List<(int, SeccompRule)>>();
            var skipped = logger is not null && logger.IsEnabled(LogLevel.Debug) ? new SortedSet<string>(StringComparer.Ordinal) : null;
            foreach (var (index, rule) in rules)
            {
                foreach (var name in rule.Names)
                {
                    if (!abi.Table!.TryGetNumber(name, out var nr))
                    {
                        skipped?.Add(name);
                        continue;
                    }
                    if (!byNumber.TryGetValue((uint)nr, out var list))
                        byNumber[(uint)nr] = list = [];
                    if (list.Count == 0 || list[^1].Item1 != index) // a name listed twice in one rule counts once
                        list.Add((index, rule));
                }
            }
            if (skipped is { Count: > 0 })
            {
                // The count at Debug; the names (a long list, the same at every start) only at Trace.
                logger!.LogDebug("seccomp: {Count} names unknown on {Arch} skipped", skipped.Count, abi.OciName);
                logger!.LogTrace("seccomp: unknown on {Arch}: {Names}", abi.OciName, string.Join(" ", skipped));
            }
            resolvedAbis.Add(new ResolvedAbi(abi, byNumber));
        }

        var defaultReturn = SeccompReturn.Of(profile.DefaultAction, profile.DefaultErrnoRet);
        var enosys = profile.DefaultAction is not (SeccompAction.Allow or SeccompAction.Log or SeccompAction.Trace)
                     && defaultReturn != (SeccompReturn.Errno | SeccompReturn.ENOSYS);
        var sections = resolvedAbis.GroupBy(a => a.Info.AuditArch)
            .Select(g => new ResolvedSection(g.Key, g.ToArray(), family.Contains(SeccompArchitecture.X32) && g.Key == ArchitectureInfo.Get(SeccompArchitecture.X86_64).AuditArch))
            .ToArray();
        return new ResolvedProfile(profile, native, defaultReturn, enosys, sections);
    }
}

/// <summary>The ABIs sharing one AUDIT_ARCH value (x86_64 and x32 share one).</summary>
internal sealed class ResolvedSection(uint auditArch, IReadOnlyList<ResolvedAbi> abis, bool hasX32Split)
{
    public uint AuditArch { get; } = auditArch;

    public IReadOnlyList<ResolvedAbi> Abis { get; } = abis;

    /// <summary>On x86_64, numbers with bit 0x40000000 (except -1) belong to the x32 ABI.</summary>
    public bool HasX32Split { get; } = hasX32Split;

    public static bool IsX32Number(uint nr) => nr >= ArchitectureInfo.X32Bit && nr != uint.MaxValue;

    /// <summary>The ABI a call number belongs to, or null when that ABI is not covered (the bad-arch action).</summary>
    public ResolvedAbi? AbiFor(uint nr)
    {
        var arch = HasX32Split && IsX32Number(nr) ? SeccompArchitecture.X32
            : HasX32Split ? SeccompArchitecture.X86_64
            : Abis[0].Info.Architecture;
        foreach (var abi in Abis)
            if (abi.Info.Architecture == arch)
                return abi;
        return null;
    }
}

/// <summary>One ABI's rules by call number, each with its index in the profile, in profile order.</summary>
internal sealed class ResolvedAbi(ArchitectureInfo info, Dictionary<uint, List<(int Index, SeccompRule Rule)>> rulesByNumber)
{
    public ArchitectureInfo Info { get; } = info;

    public IReadOnlyDictionary<uint, List<(int Index, SeccompRule Rule)>> RulesByNumber { get; } = rulesByNumber;

    /// <summary>The highest number the profile names on this ABI, ARM's private calls aside; null when none.</summary>
    public uint? MaxNumber { get; } = rulesByNumber.Keys.Where(n => !IsPrivate(info.Architecture, n)).Select(n => (uint?)n).Max();

    public static bool IsPrivate(SeccompArchitecture arch, uint nr) =>
        arch == SeccompArchitecture.Arm && nr is >= ArchitectureInfo.ArmPrivateBase and <= ArchitectureInfo.ArmPrivateEnd;

    /// <summary>Whether the ENOSYS rule covers this number (when the profile's default refuses calls).</summary>
    public bool IsNewerThanProfile(uint nr)
    {
        if (Info.Architecture == SeccompArchitecture.S390x && nr == 0)
            return true; // s390's multiplexer for out-of-range numbers; as runc does.
        return MaxNumber is { } max && nr > max && !IsPrivate(Info.Architecture, nr);
    }
}
