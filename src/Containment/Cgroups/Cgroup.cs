using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Containment.Cgroups.Controllers;

namespace Containment.Cgroups;

/// <summary>
/// A live container cgroup: pause and resume it, change its limits, read its statistics, watch for OOM, kill
/// everything in it, remove it. Obtained from the container that owns it.
/// </summary>
public sealed class Cgroup
{
    private readonly CgroupHandle handle;
    private readonly MachineTopology machine;

    internal Cgroup(CgroupHandle handle, MachineTopology? machine = null)
    {
        this.handle = handle;
        this.machine = machine ?? MachineTopology.Host;
    }

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
    public CgroupStats GetStats()
    {
        var stats = new CgroupStatsBuilder();
        foreach (var part in handle.Parts) part.ReadStats(stats);
        return stats.Build();
    }

    /// <summary>Reads the statistics now and then every <paramref name="interval"/> until cancelled.</summary>
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

    /// <summary>Kills what is left and removes the cgroup's directories. Idempotent.</summary>
    public void Destroy() => handle.Destroy();
}
