using System.Collections.Concurrent;
using Containment.Cgroups;
using Containment.Cgroups.Fs;
using Containment.Cgroups.V1;
using Containment.Oci;
using Microsoft.Extensions.Logging;

namespace Containment.Launch;

/// <summary>
/// Cgroups prepared ahead of need on cgroup v1 and hybrid hosts (<see cref="ContainerStartOptions.PrepareCgroups"/>,
/// docs/cgroups.md): an executor spawned and told the directories, the container's v1 directories made for an id chosen
/// now, and the executor's placeholder written into them, which pays the RCU grace period of a v1 cgroup.procs write
/// (5–20 ms after a quiet spell) off the critical path. A start that takes one writes its limits, sends its plan, and
/// the placeholder clones the child into the cgroup: no cgroup.procs write, no mkdir. As many wait as this process had
/// eligible containers running at once (at least <see cref="Base"/>, at most <see cref="Max"/>), back to
/// <see cref="Base"/> after <see cref="IdleTimeout"/> without an eligible start; they are made again after a container
/// that took one is disposed (not during its run, where the grace period would hold the kernel's cgroup mutex against
/// its teardown). A host that exits or dies leaves none behind: each executor removes its directories when its channel
/// closes, as for any launch.
/// </summary>
internal static class PreparedCgroups
{
    /// <summary>How many prepared cgroups wait in a process that has not run eligible containers side by side.</summary>
    public const int Base = 2;

    /// <summary>How many prepared cgroups wait, at most, in one process: each is an idle executor and eight empty directories.</summary>
    public const int Max = 16;

    /// <summary>After this long without an eligible start, the waiting cgroups beyond <see cref="Base"/> are removed (settable by tests).</summary>
    internal static TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(10);

    private static readonly ConcurrentQueue<PreparedCgroup> Ready = new();
    private static CgroupManager? manager;
    private static int filling;
    private static Task refill = Task.CompletedTask;

    /// <summary>How many prepared cgroups the filler keeps waiting: the most eligible containers alive at once, bounded.</summary>
    private static int target = Base;

    /// <summary>Eligible containers started and not yet disposed (or failed), whether they took a prepared cgroup or not.</summary>
    private static int live;

    private static long lastStart;
    private static readonly Lock ShrinkLock = new();
    private static Timer? shrinkTimer;

    /// <summary>
    /// A prepared cgroup for <paramref name="spec"/> (removed from the queue), or null when none waits or the spec
    /// cannot use one: a given id or cgroupsPath, a systemd or pure v2 cgroup, rootless, detached, joined namespaces or
    /// a user namespace, a cgroup filesystem mounted without a cgroup namespace (the directories must exist first), a
    /// controller on a hybrid host's v2 leaf, or a pids limit of 1 (the placeholder counts while it clones).
    /// </summary>
    /// <remarks>
    /// An eligible start (<paramref name="eligible"/>) counts as demand until <see cref="Ended"/>: the pool grows to the
    /// number of eligible containers alive at once.
    /// </remarks>
    public static PreparedCgroup? TryTake(ContainerSpec spec, ContainerStartOptions options, out bool eligible)
    {
        eligible = false;
        if (!options.PrepareCgroups || options.Id is not null || options.Detached || spec.Cgroup is not { } cgroup ||
            spec.CgroupsPath is not null || spec.CgroupDriver != CgroupDriverKind.Cgroupfs || spec.Rootfs is RootfsSpec.Joined ||
            spec.UserNamespace is not null || Identity.Rootless.IsRootless || cgroup.PidsMax is < 2 ||
            spec.Namespaces.Settings.Any(s => s.Value is Namespaces.NamespaceSetting.JoinNamespace))
            return null;
        var current = Manager(options.LoggerFor("Cgroups"));
        if (!CgroupSelfJoin.Applies(current) || !current.CanUsePrepared(cgroup))
            return null;
        eligible = true;
        Demand(Interlocked.Increment(ref live));
        if (Ready.TryDequeue(out var prepared))
        {
            Interlocked.Increment(ref taken);
            return prepared;
        }
        Interlocked.Increment(ref missed);
        return null;
    }

    private static long taken, missed;

    /// <summary>An eligible container (<see cref="TryTake"/>) is disposed, or its start failed: it no longer counts as demand.</summary>
    public static void Ended() => Interlocked.Decrement(ref live);

    /// <summary>The waiting cgroups the filler aims at (tests).</summary>
    internal static int Target => Volatile.Read(ref target);

    /// <summary>How many prepared cgroups wait now (tests, benchmarks).</summary>
    internal static int Waiting => Ready.Count;

    /// <summary>Grows the target to <paramref name="alive"/> eligible containers (at most <see cref="Max"/>) and arms the idle shrink.</summary>
    private static void Demand(int alive)
    {
        Volatile.Write(ref lastStart, Environment.TickCount64);
        var wanted = Math.Min(alive, Max);
        if (wanted <= Volatile.Read(ref target))
            return;
        lock (ShrinkLock)
        {
            if (wanted <= target)
                return;
            Volatile.Write(ref target, wanted);
            shrinkTimer ??= new Timer(_ => ShrinkIfIdle(), null, Timeout.Infinite, Timeout.Infinite);
            shrinkTimer.Change(IdleTimeout, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>
    /// The idle timer: after <see cref="IdleTimeout"/> without an eligible start, back to <see cref="Base"/> waiting (the
    /// surplus discarded: their executors remove the directories); otherwise checks again when that time would be up.
    /// </summary>
    private static void ShrinkIfIdle()
    {
        lock (ShrinkLock)
        {
            var quiet = TimeSpan.FromMilliseconds(Environment.TickCount64 - Volatile.Read(ref lastStart));
            if (quiet < IdleTimeout)
            {
                shrinkTimer!.Change(IdleTimeout - quiet, Timeout.InfiniteTimeSpan);
                return;
            }
            Volatile.Write(ref target, Base);
        }
        while (Ready.Count > Volatile.Read(ref target) && Ready.TryDequeue(out var surplus))
            surplus.Discard();
    }

    /// <summary>Starts that used a prepared cgroup, and eligible starts that found none waiting (tests, benchmarks).</summary>
    internal static (long Taken, long Missed) Counts => (Volatile.Read(ref taken), Volatile.Read(ref missed));

    /// <summary>Prepares cgroups in the background until <see cref="Target"/> wait (one filler at a time).</summary>
    public static void Refill(ILogger logger)
    {
        if (Ready.Count >= Volatile.Read(ref target) || Interlocked.CompareExchange(ref filling, 1, 0) != 0)
            return;
        refill = Task.Run(async () =>
        {
            try
            {
                if (!CanPrepare(Manager(logger)))
                    return;
                if (Interlocked.Exchange(ref swept, 1) == 0)
                    SweepLeftovers(Manager(logger), logger);
                while (Ready.Count < Volatile.Read(ref target))
                    Ready.Enqueue(await PrepareAsync(Manager(logger), CancellationToken.None).ConfigureAwait(false));
            }
            catch (Exception e)
            {
                logger.LogDebug(e, "Could not prepare a cgroup ahead of need; starts create theirs");
            }
            finally
            {
                Volatile.Write(ref filling, 0);
            }
        });
    }

    private static readonly ConcurrentDictionary<Task, byte> TearingDown = new();

    /// <summary>
    /// After a disposed container that was born in a prepared cgroup: waits for its executor, which removes the
    /// directories once its channel closed (the host removes what it could not), then prepares the next, all in the
    /// background: the caller's <c>DisposeAsync</c> does not wait for the rmdirs, which the kernel's cgroup mutex may
    /// hold up (another process's cgroup.procs write in its grace period).
    /// </summary>
    public static void TearDown(ExecutorChannel channel, CgroupHandle? cgroup, ILogger logger)
    {
        var task = Task.Run(() =>
        {
            if (channel.Reap())
                cgroup?.Dispose();
            else
                Launcher.DestroyCgroup(cgroup, logger);
            Refill(logger);
        });
        TearingDown.TryAdd(task, 0);
        task.ContinueWith(t => TearingDown.TryRemove(t, out _), TaskScheduler.Default);
    }

    /// <summary>
    /// Waits for the background removals of disposed containers' cgroups, then removes every waiting prepared cgroup
    /// (their executors remove the directories) and waits until they are gone; the target is back at <see cref="Base"/>.
    /// True when every executor removed its directories itself, as it does when the host dies.
    /// </summary>
    internal static async Task<bool> DrainAsync()
    {
        await Task.WhenAll(TearingDown.Keys).ConfigureAwait(false);
        await refill.ConfigureAwait(false);
        lock (ShrinkLock)
        {
            Volatile.Write(ref target, Base);
            shrinkTimer?.Change(Timeout.Infinite, Timeout.Infinite);
        }
        var byExecutor = true;
        while (Ready.TryDequeue(out var prepared))
            byExecutor &= prepared.Discard();
        return byExecutor;
    }

    /// <summary>The directories of the prepared cgroups waiting now (tests).</summary>
    internal static IReadOnlyList<string> WaitingPaths => Ready.SelectMany(p => p.Part.Paths).ToList();

    private static CgroupManager Manager(ILogger logger) => manager ??= CgroupManager.Detect(logger);

    /// <summary>
    /// Whether cgroups can be prepared here at all: as root on a v1 or hybrid host. On pure v2 the child is cloned into its
    /// cgroup (CLONE_INTO_CGROUP) and no start takes one; without this check each disposal spawned an executor in vain.
    /// </summary>
    internal static bool CanPrepare(CgroupManager cgroups) => CgroupSelfJoin.Applies(cgroups); // TryTake's own gate

    private static int swept;

    /// <summary>
    /// A prepared cgroup's id, and so its directories' name: <c>p&lt;host pid&gt;-&lt;its start time&gt;-&lt;12 hex digits&gt;</c>
    /// (the start time of <c>/proc/self/stat</c>, in clock ticks since boot), so that a later process can tell whose it was
    /// and whether that very process still runs: a pid alone is reused (<see cref="SweepLeftovers"/>).
    /// </summary>
    private static string NewId() => $"p{Environment.ProcessId}-{SelfStartTime.Value}-{Guid.NewGuid().ToString("N")[..12]}";

    /// <summary>This process's start time (read once: it never changes).</summary>
    private static readonly Lazy<ulong> SelfStartTime = new(() =>
        (ProcStat.Parse(File.ReadAllText("/proc/self/stat")) ?? throw new ContainmentException("cannot parse /proc/self/stat")).StartTime);

    /// <summary>The process in a prepared cgroup's name (<see cref="NewId"/>), or null for any other name.</summary>
    internal static ProcessIdentity? PreparerOf(string name)
    {
        var parts = name.Split('-');
        return parts.Length == 3 && parts[0].Length > 1 && parts[0][0] == 'p' && parts[0][1] != '0' && parts[0][1..].All(char.IsAsciiDigit) &&
               int.TryParse(parts[0].AsSpan(1), out var pid) && pid > 0 && parts[1].Length > 0 && parts[1].All(char.IsAsciiDigit) &&
               ulong.TryParse(parts[1], out var start) && parts[2].Length == 12 && parts[2].All(char.IsAsciiHexDigitLower)
            ? new ProcessIdentity(pid, start) : null;
    }

    /// <summary>
    /// Once per process, before its first preparation: removes the prepared cgroups, taken or not, whose host and
    /// executor were both killed (an executor alone removes its own when the host dies): empty directories under the
    /// default parent of each v1 hierarchy whose name is a preparer that no longer runs (no process with that pid and
    /// start time: a reused pid, or a host in another pid namespace sharing the tree, is not taken for it). A directory
    /// with a process in it, or a child cgroup, is left alone (rmdir refuses it).
    /// </summary>
    private static void SweepLeftovers(CgroupManager cgroups, ILogger logger)
    {
        foreach (var hierarchy in cgroups.Layout.V1)
        {
            using var root = CgroupDirectory.OpenRoot(hierarchy.MountPoint);
            using var parent = root.TryOpenDirectory(CgroupPath.DefaultParent);
            if (parent is null)
                continue;
            foreach (var path in Directory.EnumerateDirectories(Path.Combine(hierarchy.MountPoint, CgroupPath.DefaultParent)))
            {
                var name = Path.GetFileName(path);
                if (PreparerOf(name) is { } preparer && !preparer.IsAlive() && parent.RemoveDirectory(name) == 0)
                    logger.LogInformation("Removed {Path}, a prepared cgroup left by process {Pid}", path, preparer.Pid);
            }
        }
    }

    private static async Task<PreparedCgroup> PrepareAsync(CgroupManager cgroups, CancellationToken cancellationToken)
    {
        var id = NewId();
        var channel = ExecutorChannel.Spawn();
        CgroupV1Part? part = null;
        try
        {
            await channel.AnnounceAsync(Launcher.AnnounceCgroup(cgroups, id, null), cancellationToken).ConfigureAwait(false);
            part = cgroups.CreatePrepared(id);
            await channel.PlaceAsync(part.ProcsFiles, cancellationToken).ConfigureAwait(false);
            return new PreparedCgroup(id, channel, part, cgroups);
        }
        catch
        {
            // The executor removes the directories it was told of once its channel closes.
            part?.Dispose();
            channel.Dispose();
            channel.ReapInBackground();
            throw;
        }
    }
}

/// <summary>One prepared cgroup: its container id, its executor (placeholder placed) and its bare v1 directories.</summary>
internal sealed class PreparedCgroup(string id, ExecutorChannel channel, CgroupV1Part part, CgroupManager manager)
{
    public CgroupManager Manager { get; } = manager;

    public string Id { get; } = id;

    public ExecutorChannel Channel { get; } = channel;

    public CgroupV1Part Part { get; } = part;

    /// <summary>
    /// Unused: the executor, its channel closed, kills its placeholder and removes the directories (as when the host
    /// dies); the host waits for that, and removes what is left. True when the executor removed them.
    /// </summary>
    public bool Discard()
    {
        Channel.Dispose();
        var removed = Channel.Reap();
        if (!removed)
        {
            try { Part.Destroy(); }
            catch (ContainmentException) { }
        }
        Part.Dispose();
        return removed;
    }
}
