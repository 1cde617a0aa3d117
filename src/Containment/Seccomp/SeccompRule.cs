using Containment.Capabilities;

namespace Containment.Seccomp;

/// <summary>
/// One entry of a profile's <c>syscalls[]</c>: the system calls it names, the action taken when all its argument
/// conditions hold, and (as in Docker's profile format) optional conditions on the container's capabilities and the
/// machine's architecture that decide whether the rule is part of the filter at all.
/// </summary>
public sealed record SeccompRule
{
    /// <summary>Creates a rule.</summary>
    /// <param name="names">The system calls, by name (for example <c>openat</c>).</param>
    /// <param name="action">The action taken when every condition in <paramref name="args"/> holds.</param>
    /// <param name="errnoRet">For <see cref="SeccompAction.Errno"/>: the errno (EPERM when null); for
    /// <see cref="SeccompAction.Trace"/>: the message number given to the tracer.</param>
    /// <param name="args">Argument conditions, all of which must hold.</param>
    public SeccompRule(IEnumerable<string> names, SeccompAction action, uint? errnoRet = null,
        IEnumerable<SeccompArgCondition>? args = null)
    {
        Names = names.ToArray();
        Action = action;
        ErrnoRet = errnoRet;
        Args = args?.ToArray() ?? [];
    }

    /// <summary>The system calls this rule applies to.</summary>
    public IReadOnlyList<string> Names { get; init; }

    /// <summary>The action taken when every argument condition holds.</summary>
    public SeccompAction Action { get; init; }

    /// <summary>The errno for <see cref="SeccompAction.Errno"/> (EPERM when null), or the tracer's message
    /// number for <see cref="SeccompAction.Trace"/>.</summary>
    public uint? ErrnoRet { get; init; }

    /// <summary>Argument conditions; the rule matches a call when all of them hold (always when empty).</summary>
    public IReadOnlyList<SeccompArgCondition> Args { get; init; }

    /// <summary>The rule is used only when the container has every one of these capabilities (<c>CAP_…</c> names).</summary>
    public IReadOnlyList<string> IncludedCapabilities { get; init; } = [];

    /// <summary>The rule is used only when the container has none of these capabilities.</summary>
    public IReadOnlyList<string> ExcludedCapabilities { get; init; } = [];

    /// <summary>The rule is used only on machines of one of these native architectures (empty: any).</summary>
    public IReadOnlyList<SeccompArchitecture> IncludedArchitectures { get; init; } = [];

    /// <summary>The rule is not used on machines of these native architectures.</summary>
    public IReadOnlyList<SeccompArchitecture> ExcludedArchitectures { get; init; } = [];

    /// <summary>Whether the rule depends on capabilities or architecture (and so is not plain OCI).</summary>
    public bool IsConditional => IncludedCapabilities.Count + ExcludedCapabilities.Count
        + IncludedArchitectures.Count + ExcludedArchitectures.Count > 0;

    /// <summary>Whether the rule is part of the filter for a container with <paramref name="capabilities"/> on a
    /// machine whose native architecture is <paramref name="native"/>. A capability name this library does not know
    /// counts as not held.</summary>
    public bool AppliesTo(CapabilitySet capabilities, SeccompArchitecture native) =>
        IncludedCapabilities.All(c => Holds(capabilities, c))
        && !ExcludedCapabilities.Any(c => Holds(capabilities, c))
        && (IncludedArchitectures.Count == 0 || IncludedArchitectures.Contains(native))
        && !ExcludedArchitectures.Contains(native);

    private static bool Holds(CapabilitySet set, string name) => CapabilityNames.TryParse(name, out var c) && set.Contains(c.Value);

    /// <summary>Whether every argument condition holds for these argument values (missing ones read as 0).</summary>
    public bool MatchesArgs(IReadOnlyList<ulong> args)
    {
        foreach (var c in Args)
            if (!c.Matches(c.Index < args.Count ? args[c.Index] : 0))
                return false;
        return true;
    }

    /// <summary>The kernel return value (SECCOMP_RET_*) of this rule's action.</summary>
    internal uint ReturnValue => SeccompReturn.Of(Action, ErrnoRet);

    /// <inheritdoc />
    public override string ToString()
    {
        var action = SeccompReturn.Describe(ReturnValue);
        var args = Args.Count == 0 ? "" : " if " + string.Join(" && ", Args);
        var conditions = new List<string>();
        if (IncludedCapabilities.Count > 0)
            conditions.Add("with " + string.Join(" and ", IncludedCapabilities));
        if (ExcludedCapabilities.Count > 0)
            conditions.Add("without " + string.Join(" or ", ExcludedCapabilities));
        if (IncludedArchitectures.Count > 0)
            conditions.Add("on " + string.Join(" or ", IncludedArchitectures.Select(a => ArchitectureInfo.Get(a).OciName)));
        if (ExcludedArchitectures.Count > 0)
            conditions.Add("not on " + string.Join(" or ", ExcludedArchitectures.Select(a => ArchitectureInfo.Get(a).OciName)));
        var when = conditions.Count == 0 ? "" : " [" + string.Join(", ", conditions) + "]";
        var names = Names.Count <= 6 ? string.Join(",", Names) : $"{string.Join(",", Names.Take(5))},… ({Names.Count} calls)";
        return $"{action} {names}{args}{when}";
    }
}
