using Containment.Cgroups.Controllers;
using Containment.Cgroups.Fs;
using Containment.Cgroups.V2;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Containment.Cgroups.Systemd;

/// <summary>
/// A container's systemd scope: its cgroup is operated through the files like a v2 leaf (stats, freezing, OOM,
/// killing), updates also go to the unit's properties (<c>SetUnitProperties</c>, so systemd agrees with the kernel),
/// and removing it stops the unit, which removes the cgroup.
/// </summary>
internal sealed class SystemdCgroupPart : CgroupPart
{
    private readonly CgroupV2Part inner;
    private readonly Func<ISystemdManager> connect;
    private readonly ILogger? logger;
    private CgroupDirectory? home;
    private readonly int placeholderPid;
    private bool destroyed;

    /// <param name="inner">The scope's cgroup, opened.</param>
    /// <param name="unit">The scope unit.</param>
    /// <param name="connect">Opens the bus to systemd's manager.</param>
    /// <param name="home">The cgroup the placeholder came from (null when opened: there is none).</param>
    /// <param name="placeholderPid">The process the scope was created with.</param>
    /// <param name="logger">Where to log.</param>
    public SystemdCgroupPart(CgroupV2Part inner, string unit, Func<ISystemdManager> connect, CgroupDirectory? home, int placeholderPid, ILogger? logger)
    {
        this.inner = inner;
        Unit = unit;
        this.connect = connect;
        this.home = home;
        this.placeholderPid = placeholderPid;
        this.logger = logger;
    }

    /// <summary>The scope unit (<c>containment-abc.scope</c>).</summary>
    public string Unit { get; }

    /// <summary>The scope's cgroup directory fd, for clone3(CLONE_INTO_CGROUP).</summary>
    public SafeFileHandle Directory => inner.Directory;

    public override IReadOnlyList<CgroupController> Controllers => inner.Controllers;
    public override IReadOnlyList<SafeFileHandle> ProcsFiles => inner.ProcsFiles;
    public override IReadOnlyList<string> Paths => inner.Paths;
    public override bool CanFreeze => inner.CanFreeze;

    /// <summary>
    /// Moves the placeholder the scope was created with back to the cgroup it came from, once the container's first
    /// process is in the scope (which then keeps the unit alive). Idempotent.
    /// </summary>
    /// <exception cref="CgroupException">The write failed.</exception>
    public void ReleasePlaceholder()
    {
        if (home is null) return;
        try
        {
            home.Write("cgroup", "cgroup.procs", placeholderPid.ToString());
            logger?.LogDebug("cgroup systemd: placeholder {Pid} back in {Home}", placeholderPid, home.Path);
        }
        finally
        {
            home.Dispose();
            home = null;
        }
    }

    /// <summary>The unit's properties first (runtime), then the files, which also carry what has no property.</summary>
    public override void Apply(CgroupSpec spec)
    {
        var writes = Controllers.Where(c => c.IsRequested(spec) && c.ExistsOnV2 && c is not DevicesController)
            .SelectMany(c => c.V2Writes(spec)).ToList();
        var properties = SystemdProperties.ForLimits(writes);
        if (properties.Count > 0)
        {
            using var manager = connect();
            try
            {
                manager.SetUnitPropertiesAsync(Unit, properties, CancellationToken.None).GetAwaiter().GetResult();
            }
            catch (SystemdBusException e)
            {
                throw new CgroupException($"cannot update systemd scope {Unit} ({string.Join(", ", properties)}): {e.Message}", inner: e);
            }
            logger?.LogDebug("cgroup systemd: {Unit} set {Properties}", Unit, string.Join(", ", properties));
        }
        inner.Apply(spec);
    }

    public override Task SetFrozenAsync(bool frozen, CancellationToken cancellationToken) => inner.SetFrozenAsync(frozen, cancellationToken);
    public override bool IsFrozen() => inner.IsFrozen();
    public override IReadOnlyList<int> Processes() => inner.Processes();
    public override Task KillAllAsync(CancellationToken cancellationToken) => inner.KillAllAsync(cancellationToken);
    public override void ReadStats(CgroupStatsBuilder stats) => inner.ReadStats(stats);
    public override IAsyncEnumerable<CgroupOomEvent>? WatchOom(CancellationToken cancellationToken) => inner.WatchOom(cancellationToken);

    /// <summary>
    /// Kills what is left (cgroup.kill: systemd's own stop would send SIGTERM and wait up to 90 s), then stops the
    /// unit, which removes its cgroup; a unit that is gone already (an emptied scope ends by itself) is fine. Idempotent.
    /// </summary>
    public override void Destroy()
    {
        if (destroyed) return;
        destroyed = true;
        try
        {
            if (inner.Processes().Count > 0) inner.KillAllAsync(CancellationToken.None).GetAwaiter().GetResult();
        }
        finally
        {
            inner.Dispose();
            home?.Dispose();
            home = null;
            using var manager = connect();
            SystemdCgroupDriver.Stop(manager, Unit);
            logger?.LogDebug("cgroup systemd: stopped {Unit}", Unit);
        }
    }

    public override void Dispose()
    {
        inner.Dispose();
        home?.Dispose();
        home = null;
    }
}
