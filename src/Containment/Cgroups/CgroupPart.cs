using Containment.Cgroups.Controllers;
using Microsoft.Win32.SafeHandles;

namespace Containment.Cgroups;

/// <summary>
/// One driver's share of a container's cgroup: all v1 hierarchies, or the v2 leaf. In hybrid mode a container
/// can have one of each.
/// </summary>
internal abstract class CgroupPart : IDisposable
{
    /// <summary>The controllers configured through this part.</summary>
    public abstract IReadOnlyList<CgroupController> Controllers { get; }

    /// <summary>Open (O_WRONLY) <c>cgroup.procs</c> files, one per directory a process must be written into.</summary>
    public abstract IReadOnlyList<SafeFileHandle> ProcsFiles { get; }

    /// <summary>The cgroup directories.</summary>
    public abstract IReadOnlyList<string> Paths { get; }

    /// <summary>Writes the settings of <paramref name="spec"/> that belong to this part's controllers.</summary>
    public abstract void Apply(CgroupSpec spec);

    /// <summary>Whether this part can freeze its processes.</summary>
    public abstract bool CanFreeze { get; }

    /// <summary>Freezes or thaws, returning once the kernel reports the state reached.</summary>
    public abstract Task SetFrozenAsync(bool frozen, CancellationToken cancellationToken);

    /// <summary>Whether the kernel reports this part's processes frozen (false while still freezing, or without a freezer).</summary>
    public abstract bool IsFrozen();

    /// <summary>The processes in the cgroup.</summary>
    public abstract IReadOnlyList<int> Processes();

    /// <summary>Kills every process and waits until the cgroup is empty.</summary>
    public abstract Task KillAllAsync(CancellationToken cancellationToken);

    /// <summary>Adds this part's statistics.</summary>
    public abstract void ReadStats(CgroupStatsBuilder stats);

    /// <summary>OOM events of this part's memory controller, or null when it has none.</summary>
    public abstract IAsyncEnumerable<CgroupOomEvent>? WatchOom(CancellationToken cancellationToken);

    /// <summary>Kills what is left and removes every directory this part created. Idempotent.</summary>
    public abstract void Destroy();

    /// <inheritdoc />
    public abstract void Dispose();
}
