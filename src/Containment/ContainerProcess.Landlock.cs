using System.Collections.Immutable;
using Containment.Landlock;

namespace Containment;

public sealed partial class ContainerProcess
{
    /// <summary>
    /// The Landlock ABI the container's rules were applied with (1 to this kernel's version), 0 when best-effort rules
    /// were dropped entirely (a kernel without Landlock), or null when the spec has no Landlock rules.
    /// </summary>
    public int? LandlockAbi { get; private set; }

    /// <summary>What best-effort Landlock rules could not enforce on this kernel and dropped (each names the rule and the ABI it needs).</summary>
    public ImmutableArray<string> LandlockDropped { get; private set; } = [];

    internal void SetLandlock(LandlockLoad? load)
    {
        LandlockAbi = load?.Abi;
        LandlockDropped = load?.Dropped ?? [];
    }
}
