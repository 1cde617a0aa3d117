using Containment.Cgroups.Controllers;
using Containment.Cgroups.Devices;
using Containment.Cgroups.Systemd;
using Containment.Cgroups.V1;
using Containment.Cgroups.V2;
using Microsoft.Extensions.Logging;

namespace Containment.Cgroups;

/// <summary>
/// Creates containers' cgroups with the drivers the machine needs: v1 for legacy, v2 for unified, and in hybrid
/// mode v1 for every controller mounted on v1 plus the v2 leaf only for what v1 lacks (hugetlb here), or for
/// devices when <see cref="PreferV2Devices"/> is set.
/// </summary>
internal sealed class CgroupManager
{
    private readonly ILogger? logger;
    private readonly MachineTopology machine;
    private readonly IDeviceFilterAttacher attacher;

    public CgroupManager(CgroupLayout layout, MachineTopology machine, ILogger? logger = null, IDeviceFilterAttacher? attacher = null)
    {
        Layout = layout;
        this.machine = machine;
        this.logger = logger;
        this.attacher = attacher ?? BpfDeviceFilterAttacher.Instance;
    }

    private static int layoutLogged;

    /// <summary>Probes this machine's cgroup layout.</summary>
    public static CgroupManager Detect(ILogger? logger = null)
    {
        var layout = CgroupLayout.Detect();
        // The layout once per process at Debug (it does not change from one start to the next); every time at Trace.
        var level = Interlocked.Exchange(ref layoutLogged, 1) == 0 ? LogLevel.Debug : LogLevel.Trace;
        logger?.Log(level, "cgroup: {Mode}; v1: {V1}; unified: {Unified}", layout.Mode,
            string.Join(" ", layout.V1.Select(h => h.Name)), layout.Unified?.MountPoint ?? "none");
        return new CgroupManager(layout, MachineTopology.Host, logger);
    }

    public CgroupLayout Layout { get; }

    public CgroupMode Mode => Layout.Mode;

    /// <summary>Who creates the cgroup: this library in the filesystem, or systemd (a transient scope; cgroup v2 only).</summary>
    public CgroupDriverKind Driver { get; init; }

    /// <summary>
    /// With the systemd driver, the process the scope is created with (systemd refuses an empty scope): the launch's
    /// executor monitor, which clones the container into it and is moved out again (<see cref="CgroupHandle.ContainerJoined"/>).
    /// </summary>
    public int PlaceholderPid { get; init; }

    /// <summary>Opens the bus to systemd's manager (tests replace it).</summary>
    internal Func<ISystemdManager>? ConnectSystemd { get; init; }

    private Func<ISystemdManager> Connect => ConnectSystemd ?? (() => SystemdBus.ConnectAsync(
        SystemdBusAddress.For(Identity.Rootless.IsRootless, Environment.GetEnvironmentVariable), CancellationToken.None).GetAwaiter().GetResult());

    /// <summary>The systemd driver: cgroup v2 only (systemd's own hybrid setups put the controllers on v1).</summary>
    private CgroupHandle CreateScope(CgroupSpec spec, string containerId, string? cgroupsPath)
    {
        if (Layout.Mode != CgroupMode.Unified)
            throw new CgroupException($"the systemd cgroup driver needs cgroup v2 (this machine's cgroups are {Layout.Mode.ToString().ToLowerInvariant()}); use the cgroupfs driver");
        var (_, v2) = Place(spec);
        var driver = new SystemdCgroupDriver(Layout.Unified!, Connect, PlaceholderPid, attacher, Identity.Rootless.IsRootless, logger);
        return new CgroupHandle(Layout.Mode, [driver.Create(spec, v2, containerId, cgroupsPath)]);
    }

    /// <summary>Re-attaches to a container's systemd scope, found through systemd (its <c>ControlGroup</c>).</summary>
    private CgroupHandle OpenScope(string containerId, string? cgroupsPath)
    {
        var path = SystemdScopePath.Parse(cgroupsPath, containerId, Identity.Rootless.IsRootless);
        if (Layout.Mode != CgroupMode.Unified)
            throw new CgroupException($"the systemd cgroup driver needs cgroup v2 (this machine's cgroups are {Layout.Mode.ToString().ToLowerInvariant()})");
        string group;
        using (var manager = Connect())
            group = manager.GetControlGroupAsync(path.Unit, CancellationToken.None).GetAwaiter().GetResult()?.TrimStart('/')
                ?? throw new CgroupException($"no cgroup for container {containerId}: systemd has no unit {path.Unit}");
        var node = CgroupNode.TryOpenExisting(Layout.Unified!, group)
            ?? throw new CgroupException($"no cgroup for container {containerId}: {Layout.Unified!.MountPoint.TrimEnd('/')}/{group} (of {path.Unit}) does not exist");
        var inner = new CgroupV2Part(node, CgroupController.All, attacher, logger) { IsOpened = true };
        return new CgroupHandle(Layout.Mode, [new SystemdCgroupPart(inner, path.Unit, Connect, null, 0, logger)]);
    }

    /// <summary>In hybrid mode, enforce device rules with the v2 eBPF filter rather than the v1 devices controller.</summary>
    public bool PreferV2Devices { get; init; }

    /// <summary>
    /// Validates <paramref name="spec"/> (nothing is created when it is invalid), then creates and configures the
    /// container's cgroup at <paramref name="cgroupsPath"/> (OCI semantics) or <c>/containment/&lt;id&gt;</c>.
    /// On any failure every directory created is removed again.
    /// </summary>
    /// <exception cref="ContainerSpecException">The spec or the path is invalid.</exception>
    /// <exception cref="CgroupException">The machine cannot honour the spec, or a cgroup operation failed.</exception>
    public CgroupHandle Create(CgroupSpec spec, string containerId, string? cgroupsPath)
    {
        spec.ThrowIfInvalid(machine);
        if (Driver == CgroupDriverKind.Systemd)
            return CreateScope(spec, containerId, cgroupsPath);
        var (v1, v2) = Place(spec);
        var parts = new List<CgroupPart>();
        try
        {
            if (Layout.Mode != CgroupMode.Unified && Layout.V1.Count > 0)
                parts.Add(new CgroupV1Driver(Layout.V1, logger).Create(spec, v1, containerId, cgroupsPath));
            if (Layout.Mode == CgroupMode.Unified || v2.Count > 0)
            {
                string[] stats = Layout.Mode == CgroupMode.Unified ? ["cpu", "memory", "pids", "io"] : [];
                parts.Add(new CgroupV2Driver(Layout.Unified!, stats, attacher, logger).Create(spec, v2, containerId, cgroupsPath));
            }
            return new CgroupHandle(Layout.Mode, parts);
        }
        catch
        {
            foreach (var part in Enumerable.Reverse(parts))
            {
                try { part.Destroy(); }
                catch (CgroupException e) { logger?.LogWarning(LogEvents.CleanupFailed, e, "cgroup: cleanup after a failed create"); }
            }
            throw;
        }
    }

    /// <summary>
    /// A prepared cgroup (<see cref="Launch.PreparedCgroups"/>): the container's v1 directories at the default path, made
    /// ahead of need with no limit written (cpusets inherited), and their cgroup.procs files open.
    /// </summary>
    internal CgroupV1Part CreatePrepared(string containerId) =>
        (CgroupV1Part)new CgroupV1Driver(Layout.V1, logger).Create(CgroupSpec.Empty, [], containerId, null);

    /// <summary>
    /// Whether a prepared cgroup can be <paramref name="spec"/>'s: every controller it uses is on v1 (nothing goes to a
    /// hybrid host's v2 leaf). Place throws for a spec this machine cannot honour, as <see cref="Create"/> would.
    /// </summary>
    internal bool CanUsePrepared(CgroupSpec spec) =>
        Driver == CgroupDriverKind.Cgroupfs && Layout.Mode != CgroupMode.Unified && Layout.V1.Count > 0 && Place(spec).V2.Count == 0;

    /// <summary>Writes <paramref name="spec"/>'s limits into a prepared cgroup, which becomes the container's.</summary>
    internal CgroupHandle ConfigurePrepared(CgroupV1Part prepared, CgroupSpec spec)
    {
        spec.ThrowIfInvalid(machine);
        return new CgroupHandle(Layout.Mode, [prepared.Configure(Place(spec).V1, spec)]);
    }

    /// <summary>
    /// Every directory <see cref="Create"/> may make for the container, in every mounted hierarchy (whether or not the
    /// spec uses it), deepest first within each: the leaf, then its ancestors.
    /// </summary>
    /// <exception cref="ContainerSpecException">The path is invalid.</exception>
    internal IEnumerable<CgroupDirectoryToRemove> DirectoriesOf(string containerId, string? cgroupsPath)
    {
        // systemd owns a scope's directories, but the scope's own leaf is announced like any other: if the host dies
        // mid-start, the executor kills what is in it and removes it (systemd then sees the scope gone).
        if (Driver == CgroupDriverKind.Systemd)
        {
            if (Layout.Unified is { } unified)
                yield return new CgroupDirectoryToRemove(unified.MountPoint.TrimEnd('/') + "/" +
                    SystemdScopePath.Parse(cgroupsPath, containerId, Identity.Rootless.IsRootless).CgroupPath, true);
            yield break;
        }
        var hierarchies = Layout.Mode == CgroupMode.Unified ? [] : Layout.V1.ToList();
        if (Layout.Unified is not null)
            hierarchies.Add(Layout.Unified);
        foreach (var hierarchy in hierarchies)
        {
            var names = CgroupPath.Resolve(cgroupsPath, containerId, hierarchy).Split('/');
            for (var depth = names.Length; depth > 0; depth--)
                yield return new CgroupDirectoryToRemove(hierarchy.MountPoint.TrimEnd('/') + "/" + string.Join('/', names[..depth]), depth == names.Length);
        }
    }

    /// <summary>
    /// Re-attaches to a container's existing cgroup, created earlier (possibly by another process) by
    /// <see cref="Create"/> with the same <paramref name="containerId"/> and <paramref name="cgroupsPath"/>: the
    /// directory in every v1 hierarchy where it exists, and the v2 leaf (always in unified mode; in hybrid mode
    /// only when it exists). Nothing is created or written. Each leaf found counts as the container's, so
    /// <see cref="CgroupHandle.Destroy"/> kills its processes and removes it (with its sub-cgroups), never a parent.
    /// The handle has no <see cref="CgroupHandle.ProcsFiles"/>.
    /// </summary>
    /// <exception cref="ContainerSpecException">The path is invalid.</exception>
    /// <exception cref="CgroupException">No directory exists for the container, or opening one failed.</exception>
    public CgroupHandle Open(string containerId, string? cgroupsPath)
    {
        ArgumentNullException.ThrowIfNull(containerId);
        if (Driver == CgroupDriverKind.Systemd)
            return OpenScope(containerId, cgroupsPath);
        var parts = new List<CgroupPart>();
        var looked = new List<string>();
        try
        {
            var v1Controllers = new HashSet<CgroupController>();
            if (Layout.Mode != CgroupMode.Unified && Layout.V1.Count > 0)
            {
                var driver = new CgroupV1Driver(Layout.V1, logger);
                looked.AddRange(driver.PathsOf(containerId, cgroupsPath));
                if (driver.Open(containerId, cgroupsPath) is { } v1)
                {
                    parts.Add(v1);
                    v1Controllers.UnionWith(v1.Controllers);
                }
            }
            if (Layout.Unified is not null)
            {
                var controllers = Layout.Mode == CgroupMode.Unified ? CgroupController.All
                    : CgroupController.All.Where(c => c.ExistsOnV2 && !v1Controllers.Contains(c)).ToList();
                var driver = new CgroupV2Driver(Layout.Unified, [], attacher, logger);
                looked.Add(driver.PathOf(containerId, cgroupsPath));
                if (driver.Open(controllers, containerId, cgroupsPath) is { } v2) parts.Add(v2);
            }
        }
        catch
        {
            foreach (var part in parts) part.Dispose();
            throw;
        }
        if (parts.Count == 0)
            throw new CgroupException($"no cgroup for container {containerId} at {string.Join(", ", looked)}");
        logger?.LogDebug("cgroup: opened {Paths}", string.Join(", ", parts.SelectMany(p => p.Paths)));
        return new CgroupHandle(Layout.Mode, parts);
    }

    /// <summary>Which controllers go to v1 and which to v2; throws naming every controller the machine lacks.</summary>
    internal (List<CgroupController> V1, List<CgroupController> V2) Place(CgroupSpec spec)
    {
        var v1 = new List<CgroupController>();
        var v2 = new List<CgroupController>();
        var problems = new List<string>();
        IReadOnlySet<string>? unifiedControllers = null;
        IReadOnlySet<string> UnifiedControllers() => unifiedControllers ??= Layout.Unified is null ? new HashSet<string>()
            : new CgroupV2Driver(Layout.Unified, [], attacher, logger).Available();

        foreach (var c in CgroupController.All)
        {
            var requested = c.IsRequested(spec);
            if (Layout.Mode == CgroupMode.Unified)
            {
                if (!requested || c.ExistsOnV2 || spec.IsOptional(c.Name, c.Name)) v2.Add(c);
                else problems.Add($"{c.Name} is a cgroup v1 controller and this machine has only cgroup v2");
                continue;
            }
            var onV1 = c.ExistsOnV1 && Layout.V1For(c.V1Name) is not null;
            var v2Possible = Layout.Unified is not null && c.ExistsOnV2 &&
                             (c is DevicesController or UnifiedController || UnifiedControllers().Contains(c.Name));
            if (c is DevicesController && PreferV2Devices && requested && v2Possible) v2.Add(c);
            else if (onV1 || !requested) v1.Add(c);
            else if (v2Possible) v2.Add(c);
            else if (!spec.IsOptional(c.Name, c.V1Name))
                problems.Add(Layout.Unified is null
                    ? $"{c.Name}: no v1 {c.V1Name} hierarchy is mounted and there is no cgroup2 mount"
                    : $"{c.Name}: no v1 {c.V1Name} hierarchy is mounted and {Layout.Unified.MountPoint} does not offer it");
        }
        if (problems.Count > 0)
            throw new CgroupException("the running kernel cannot honour the cgroup spec: " + string.Join("; ", problems),
                problems.Count == 1 ? problems[0].Split(':', ' ')[0] : null);
        return (v1, v2);
    }
}
