using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Containment.Cgroups.Controllers;
using Microsoft.Extensions.Logging;

namespace Containment.Cgroups;

/// <summary>
/// A live container cgroup: pause and resume it, change its limits, read its statistics, watch for OOM, kill
/// everything in it, remove it. Obtained from the container that owns it, or re-attached with <see cref="Open(string, string?, ILogger?)"/>
/// (for example by a later process of an OCI runtime).
/// </summary>
public sealed class Cgroup : IDisposable
{
    private readonly CgroupHandle handle;
    private readonly MachineTopology machine;
    private readonly bool ownsHandle;

    internal Cgroup(CgroupHandle handle, MachineTopology? machine = null, bool ownsHandle = false)
    {
        this.handle = handle;
        this.machine = machine ?? MachineTopology.Host;
        this.ownsHandle = ownsHandle;
    }

    /// <summary>
    /// Re-attaches to the existing cgroup of container <paramref name="containerId"/>, created earlier (by this or
    /// another process) from a spec with <see cref="ContainerSpec.WithCgroup(CgroupSpec)"/>: the same path rules
    /// (<paramref name="cgroupsPath"/> with OCI semantics, or <c>/containment/&lt;id&gt;</c> when null) and the same
    /// placement (every v1 hierarchy; the v2 leaf on cgroup v2, and in hybrid mode when it exists). Nothing is
    /// created or changed. Hierarchies where the container has no directory are skipped. Dispose the result to
    /// close its file descriptors; <see cref="Destroy"/> removes the container's directories (never a parent).
    /// </summary>
    /// <param name="containerId">The container's id, as given when it was created.</param>
    /// <param name="cgroupsPath">The OCI <c>cgroupsPath</c> it was created with, or null.</param>
    /// <param name="logger">Where to log, or null.</param>
    /// <exception cref="ContainerSpecException">The path is invalid.</exception>
    /// <exception cref="CgroupException">The container has no cgroup directory in any hierarchy, or one could not be opened.</exception>
    internal static Cgroup Open(string containerId, string? cgroupsPath, ILogger? logger = null) =>
        Open(containerId, cgroupsPath, CgroupDriverKind.Cgroupfs, logger);

    /// <summary>
    /// Re-attaches to the existing cgroup of container <paramref name="containerId"/> created by
    /// <paramref name="driver"/>: as <see cref="Open(string, string?, ILogger?)"/> for the cgroupfs driver; with the
    /// systemd driver, the scope named by <paramref name="cgroupsPath"/> (<c>slice:prefix:name</c>), found through systemd.
    /// <see cref="Destroy"/> then stops the unit.
    /// </summary>
    /// <param name="containerId">The container's id, as given when it was created.</param>
    /// <param name="cgroupsPath">The <c>cgroupsPath</c> it was created with, or null.</param>
    /// <param name="driver">The driver that created it.</param>
    /// <param name="logger">Where to log, or null.</param>
    /// <exception cref="ContainerSpecException">The path is invalid.</exception>
    /// <exception cref="CgroupException">The container has no cgroup (or systemd no such unit), or it could not be opened.</exception>
    internal static Cgroup Open(string containerId, string? cgroupsPath, CgroupDriverKind driver, ILogger? logger = null)
    {
        var manager = CgroupManager.Detect(logger);
        if (driver != CgroupDriverKind.Cgroupfs)
            manager = new CgroupManager(manager.Layout, MachineTopology.Host, logger) { Driver = driver };
        return new(manager.Open(containerId, cgroupsPath), ownsHandle: true);
    }

    /// <summary>
    /// Whether the processes are frozen now: the kernel reports the freezer <c>FROZEN</c> (v1) or <c>frozen 1</c>
    /// in <c>cgroup.events</c> (v2). False while still freezing, and when there is no freezer. Reads the kernel each time.
    /// </summary>
    public bool IsFrozen => handle.Parts.FirstOrDefault(p => p.CanFreeze)?.IsFrozen() ?? false;

    /// <summary>How the machine's cgroups are laid out.</summary>
    public CgroupMode Mode => handle.Mode;

    /// <summary>The cgroup's directories (one per v1 hierarchy, or the v2 leaf).</summary>
    public IReadOnlyList<string> Paths => handle.Paths;

    /// <summary>The ids of the processes in the cgroup.</summary>
    public IReadOnlyList<int> GetProcesses() => handle.Parts.SelectMany(p => p.Processes()).Distinct().Order().ToList();

    /// <summary>Freezes every process (v1 freezer, v2 <c>cgroup.freeze</c>); returns once the kernel reports them frozen.</summary>
    public Task PauseAsync(CancellationToken cancellationToken = default) => Freezer().SetFrozenAsync(true, cancellationToken);

    /// <summary>Thaws the processes frozen by <see cref="PauseAsync"/>.</summary>
    public Task ResumeAsync(CancellationToken cancellationToken = default) => Freezer().SetFrozenAsync(false, cancellationToken);

    private CgroupPart Freezer() =>
        handle.Parts.FirstOrDefault(p => p.CanFreeze) ?? throw new CgroupException("this cgroup cannot be frozen: no freezer is available", "freezer");

    /// <summary>
    /// Applies the settings <paramref name="spec"/> sets to the live cgroup (settings it leaves null are unchanged).
    /// The spec is validated first; nothing is written when it is invalid.
    /// </summary>
    /// <exception cref="ContainerSpecException">The spec is invalid.</exception>
    /// <exception cref="CgroupException">The kernel refused a value or lacks a file.</exception>
    public void Update(CgroupSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.ThrowIfInvalid(machine);
        var placed = handle.Parts.SelectMany(p => p.Controllers.Where(c => c.IsRequested(spec))).Select(c => c.Name).ToHashSet();
        var unplaced = CgroupController.All.Where(c => c.IsRequested(spec) && !placed.Contains(c.Name) && !spec.IsOptional(c.Name, c.Name)).ToList();
        if (unplaced.Count > 0)
            throw new CgroupException($"this cgroup has no {string.Join(", ", unplaced.Select(c => c.Name))} controller to update", unplaced[0].Name);
        foreach (var part in handle.Parts) part.Apply(spec);
    }

    /// <summary>Reads the cgroup's statistics now.</summary>
    /// <exception cref="CgroupException">A statistics file could not be read.</exception>
    public CgroupStats GetStats()
    {
        var stats = new CgroupStatsBuilder();
        foreach (var part in handle.Parts) part.ReadStats(stats);
        return stats.Build();
    }

    /// <summary>Reads the statistics now and then every <paramref name="interval"/> until cancelled.</summary>
    /// <param name="interval">The time between two snapshots.</param>
    /// <param name="cancellationToken">Ends the sequence.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interval"/> is zero or negative.</exception>
    /// <exception cref="CgroupException">A statistics file could not be read.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async IAsyncEnumerable<CgroupStats> WatchStatsAsync(TimeSpan interval, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        using var timer = new PeriodicTimer(interval);
        do yield return GetStats();
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// An event each time the cgroup runs out of memory (v1: <c>memory.oom_control</c> through an eventfd; v2:
    /// <c>memory.events</c> through inotify), until cancelled or the cgroup is removed.
    /// </summary>
    /// <exception cref="CgroupException">The cgroup has no memory controller to watch.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async IAsyncEnumerable<CgroupOomEvent> WatchOomAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var sources = handle.Parts.Select(p => p.WatchOom(cancellationToken)).OfType<IAsyncEnumerable<CgroupOomEvent>>().ToList();
        if (sources.Count == 0) throw new CgroupException("this cgroup has no memory controller to watch", "memory");
        if (sources.Count == 1)
        {
            await foreach (var e in sources[0].WithCancellation(cancellationToken).ConfigureAwait(false)) yield return e;
            yield break;
        }
        var channel = Channel.CreateUnbounded<CgroupOomEvent>();
        var pumps = sources.Select(async s =>
        {
            await foreach (var e in s.WithCancellation(cancellationToken).ConfigureAwait(false)) await channel.Writer.WriteAsync(e, cancellationToken).ConfigureAwait(false);
        }).ToList();
        _ = Task.WhenAll(pumps).ContinueWith(t => channel.Writer.TryComplete(t.Exception), TaskScheduler.Default);
        await foreach (var e in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false)) yield return e;
    }

    /// <summary>Sends SIGKILL to every process and waits until the cgroup is empty.</summary>
    public async Task KillAllAsync(CancellationToken cancellationToken = default)
    {
        foreach (var part in handle.Parts) await part.KillAllAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Kills what is left and removes the cgroup's directories (with any sub-cgroups made inside them). Idempotent.
    /// A parent that existed before the container (or, for an opened cgroup, any parent) is left in place.
    /// </summary>
    internal void Destroy() => handle.Destroy();

    /// <summary>
    /// Closes the file descriptors of a cgroup obtained from <see cref="Open(string, string?, ILogger?)"/>, without removing anything. For a
    /// container's own cgroup this does nothing: the container closes it.
    /// </summary>
    public void Dispose()
    {
        if (ownsHandle) handle.Dispose();
    }
}
