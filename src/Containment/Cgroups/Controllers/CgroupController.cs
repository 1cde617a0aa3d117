using Containment.Cgroups.Fs;

namespace Containment.Cgroups.Controllers;

/// <summary>
/// One controller: which settings of a <see cref="CgroupSpec"/> it owns, the files it writes for them on
/// cgroup v1 and on v2 (pure functions of the spec, so they are testable without a kernel), and its statistics.
/// </summary>
internal abstract class CgroupController
{
    /// <summary>The cgroup v2 name (<c>io</c>), also used in messages and <see cref="CgroupSpec.Optional"/>.</summary>
    public abstract string Name { get; }

    /// <summary>The v1 hierarchy's controller name (<c>blkio</c>).</summary>
    public virtual string V1Name => Name;

    /// <summary>Whether v2 needs the controller enabled in the parents' <c>cgroup.subtree_control</c>.</summary>
    public virtual bool IsV2Controller => true;

    /// <summary>Whether cgroup v1 has this controller at all.</summary>
    public virtual bool ExistsOnV1 => true;

    /// <summary>Whether cgroup v2 has an equivalent.</summary>
    public virtual bool ExistsOnV2 => true;

    /// <summary>Whether the spec sets anything this controller owns.</summary>
    public abstract bool IsRequested(CgroupSpec spec);

    /// <summary>The files to write on cgroup v1, in order.</summary>
    public abstract IEnumerable<CgroupWrite> V1Writes(CgroupSpec spec);

    /// <summary>The files to write on cgroup v2, in order.</summary>
    public abstract IEnumerable<CgroupWrite> V2Writes(CgroupSpec spec);

    /// <summary>Adds this controller's v1 statistics.</summary>
    public virtual void ReadV1Stats(CgroupDirectory dir, CgroupStatsBuilder stats) { }

    /// <summary>Adds this controller's v2 statistics.</summary>
    public virtual void ReadV2Stats(CgroupDirectory dir, CgroupStatsBuilder stats) { }

    /// <summary>"max" for <see cref="CgroupSpec.Unlimited"/> on v2.</summary>
    protected static string V2Limit(long value) => value == CgroupSpec.Unlimited ? "max" : value.ToString();

    /// <summary>Every controller, in the order they are configured (cpuset before anything joins).</summary>
    public static IReadOnlyList<CgroupController> All { get; } =
    [
        new CpusetController(), new CpuController(), new CpuacctController(), new MemoryController(), new PidsController(),
        new IoController(), new HugetlbController(), new DevicesController(), new FreezerController(), new NetClsController(),
        new NetPrioController(), new UnifiedController(),
    ];
}
