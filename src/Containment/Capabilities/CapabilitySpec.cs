namespace Containment.Capabilities;

/// <summary>
/// The five capability sets of a container's process, as they are before its <c>execve</c> (the kernel derives the
/// sets after it: see docs/identity.md). Immutable. <see cref="Default"/> is what every container gets unless told
/// otherwise: the common container set in the bounding, effective and permitted sets, inheritable and ambient empty.
/// </summary>
/// <param name="Bounding">The limit on capabilities the process and its descendants can ever gain.</param>
/// <param name="Effective">The capabilities the kernel checks.</param>
/// <param name="Permitted">The capabilities the process may make effective.</param>
/// <param name="Inheritable">Capabilities kept across exec for files with matching inheritable file capabilities
/// (and a prerequisite of ambient ones). Empty by default (CVE-2022-29162).</param>
/// <param name="Ambient">Capabilities a non-root process keeps across exec of an ordinary program. Each must also be
/// permitted and inheritable.</param>
public sealed record CapabilitySpec(
    CapabilitySet Bounding,
    CapabilitySet Effective,
    CapabilitySet Permitted,
    CapabilitySet Inheritable,
    CapabilitySet Ambient)
{
    /// <summary>The common container default: <see cref="CapabilitySet.Default"/> bounding, effective and permitted.</summary>
    public static CapabilitySpec Default { get; } = Of(CapabilitySet.Default);

    /// <summary>No capabilities at all, in any set.</summary>
    public static CapabilitySpec None { get; } = Of(CapabilitySet.Empty);

    /// <summary><paramref name="set"/> as the bounding, effective and permitted sets; inheritable and ambient empty.</summary>
    public static CapabilitySpec Of(CapabilitySet set) => new(set, set, set, CapabilitySet.Empty, CapabilitySet.Empty);

    /// <summary>Changes the sets with a builder, starting from these.</summary>
    public CapabilitySpec With(Action<CapabilitiesBuilder> build)
    {
        var builder = new CapabilitiesBuilder(this);
        build(builder);
        return builder.Spec;
    }

    /// <summary>Every problem with these sets (on a kernel whose last capability is <paramref name="lastCap"/>).</summary>
    internal IEnumerable<SpecError> Validate(string field, int lastCap)
    {
        var known = CapabilitySet.FromMask(lastCap >= 63 ? ulong.MaxValue : (2UL << lastCap) - 1);
        foreach (var (name, set) in new[] { ("bounding", Bounding), ("effective", Effective), ("permitted", Permitted), ("inheritable", Inheritable), ("ambient", Ambient) })
            foreach (var c in set.Except(known))
                yield return new SpecError($"{field}.{name}", c <= CapabilityNames.Last
                    ? $"{CapabilityNames.Name(c)} is not known to the running kernel (its last capability is {lastCap})"
                    : $"capability {(int)c} is not known to the running kernel (its last capability is {lastCap})");
        if (!Effective.IsSubsetOf(Permitted))
            yield return new SpecError($"{field}.effective", $"{Effective.Except(Permitted)} not in the permitted set");
        if (!Permitted.IsSubsetOf(Bounding))
            yield return new SpecError($"{field}.permitted", $"{Permitted.Except(Bounding)} not in the bounding set");
        if (!Inheritable.IsSubsetOf(Bounding))
            yield return new SpecError($"{field}.inheritable", $"{Inheritable.Except(Bounding)} not in the bounding set");
        if (!Ambient.IsSubsetOf(Permitted.Intersect(Inheritable)))
            yield return new SpecError($"{field}.ambient", $"{Ambient.Except(Permitted.Intersect(Inheritable))} must also be permitted and inheritable");
    }
}
