using Containment.Landlock;

namespace Containment;

public sealed partial record ContainerSpec
{
    /// <summary>
    /// The Landlock rules the container's process runs under, or null for none (the default). With rules, the
    /// filesystem outside the paths they name is closed to the process, whatever its mounts and capabilities allow: a
    /// second wall inside the container. See <see cref="LandlockRules"/> and docs/landlock.md.
    /// </summary>
    public LandlockRules? Landlock { get; private init; }

    /// <summary>Sets the Landlock rules; null runs the container without Landlock.</summary>
    [System.Diagnostics.Contracts.Pure]
    public ContainerSpec WithLandlock(LandlockRules? rules) => this with { Landlock = rules };

    /// <summary>
    /// Changes the Landlock rules, starting from the current ones (or none), e.g.
    /// <c>l => l.ReadOnly("/usr", "/etc").ReadWrite("/tmp").Execute("/usr/bin")</c>.
    /// </summary>
    [System.Diagnostics.Contracts.Pure]
    public ContainerSpec WithLandlock(Func<LandlockRules, LandlockRules> change) => this with { Landlock = change(Landlock ?? LandlockRules.Empty) };
}
