using Containment.Cgroups;

namespace Containment.Oci;

/// <summary>
/// What the host offers that decides whether a host-dependent field is applied or skipped with a warning, as runc
/// skips a v1 subsystem that is not mounted: net_cls, net_prio, blkio's leaf weights (gone with CFQ in Linux 5.0), and
/// the v1 memory controller's OOM switch (<c>memory.oom_control</c>) and swappiness (cgroup v2 has neither):
/// <see cref="MemoryOomControl"/> is true when a v1 memory controller is mounted.
/// </summary>
internal sealed record OciHostFeatures(bool NetCls, bool NetPrio, bool BlkioLeafWeight, bool MemoryOomControl = true)
{
    /// <summary>Every feature present: nothing is skipped (what a conversion with no host in view assumes).</summary>
    public static readonly OciHostFeatures All = new(true, true, true, true);

    private static readonly Lazy<OciHostFeatures> Host = new(Probe);

    /// <summary>This host's cgroup hierarchies, read once per process.</summary>
    public static OciHostFeatures Current => Host.Value;

    /// <summary>This host's features when <paramref name="resources"/> use one (the host is read only then), else <see cref="All"/>.</summary>
    public static OciHostFeatures For(OciResources? resources) =>
        resources?.Network is not null || resources?.Memory?.DisableOomKiller == true || resources?.Memory?.Swappiness is <= 100
        || resources?.BlockIo is { } io && (io.LeafWeight is not null || io.WeightDevice?.Any(d => d?.LeafWeight is not null) == true)
            ? Current : All;

    private static OciHostFeatures Probe()
    {
        try
        {
            var layout = CgroupLayout.Detect();
            var blkio = layout.V1For("blkio");
            return new OciHostFeatures(layout.V1For("net_cls") is not null, layout.V1For("net_prio") is not null,
                blkio is not null && File.Exists(Path.Combine(blkio.MountPoint, "blkio.leaf_weight")), layout.V1For("memory") is not null);
        }
        catch (Exception e) when (e is ContainmentException or IOException or UnauthorizedAccessException)
        {
            return new OciHostFeatures(false, false, false, false);
        }
    }
}
