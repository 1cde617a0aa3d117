using System.Collections.Concurrent;
using Containment.Cgroups;
using Containment.Cgroups.Fs;
using Containment.Cgroups.V1;
using Microsoft.Extensions.Logging;

namespace Containment.Launch;

/// <summary>
/// Cgroups prepared ahead of need on cgroup v1 and hybrid hosts (<see cref="ContainerStartOptions.PrepareCgroups"/>,
/// docs/cgroups.md): an executor spawned and told the directories, the container's v1 directories made for an id chosen
/// now, and the executor's placeholder written into them, which pays the RCU grace period of a v1 cgroup.procs write
/// (5–20 ms after a quiet spell) off the critical path. A start that takes one writes its limits, sends its plan, and
/// the placeholder clones the child into the cgroup: no cgroup.procs write, no mkdir. At most <see cref="Target"/> wait
/// per process; they are made again after a container that took one is disposed (not during its run, where the
/// grace period would hold the kernel's cgroup mutex against its teardown). A host that exits or dies leaves none
/// behind: each executor removes its directories when its channel closes, as for any launch.
/// </summary>
internal static class PreparedCgroups
{
    /// <summary>How many prepared cgroups wait, at most, in one process.</summary>
    public const int Target = 2;

    private static readonly ConcurrentQueue<PreparedCgroup> Ready = new();
    private static CgroupManager? manager;
    private static int filling;
    private static Task refill = Task.CompletedTask;

    /// <summary>
    /// A prepared cgroup for <paramref name="spec"/> (removed from the queue), or null when none waits or the spec
    /// cannot use one: a given id or cgroupsPath, a systemd or pure v2 cgroup, rootless, detached, joined namespaces or
    /// a user namespace, a cgroup filesystem mounted without a cgroup namespace (the directories must exist first), a
    /// controller on a hybrid host's v2 leaf, or a pids limit of 1 (the placeholder counts while it clones).
    /// </summary>
    public static PreparedCgroup? TryTake(ContainerSpec spec, ContainerStartOptions options)
    {
        if (!options.PrepareCgroups || options.Id is not null || options.Detached || spec.Cgroup is not { } cgroup ||
            spec.CgroupsPath is not null || spec.CgroupDriver != CgroupDriverKind.Cgroupfs || spec.Rootfs is RootfsSpec.Joined ||
            spec.UserNamespace is not null || Identity.Rootless.IsRootless || cgroup.PidsMax is < 2 ||
            spec.Namespaces.Settings.Any(s => s.Value is Namespaces.NamespaceSetting.JoinNamespace))
            return null;
        var current = Manager(options.LoggerFor("Cgroups"));
        if (!CgroupSelfJoin.Applies(current) || !current.CanUsePrepared(cgroup))
            return null;
        if (Ready.TryDequeue(out var prepared))
        {
            Interlocked.Increment(ref taken);
            return prepared;
        }
        Interlocked.Increment(ref missed);
        return null;
    }

    private static long taken, missed;

    /// <summary>Starts that used a prepared cgroup, and eligible starts that found none waiting (tests, benchmarks).</summary>
    internal static (long Taken, long Missed) Counts => (Volatile.Read(ref taken), Volatile.Read(ref missed));

    /// <summary>Prepares cgroups in the background until <see cref="Target"/> wait (one filler at a time).</summary>
    public static void Refill(ILogger logger)
    {
        if (Ready.Count >= Target || Interlocked.CompareExchange(ref filling, 1, 0) != 0)
            return;
        refill = Task.Run(async () =>
        {
            try
            {
                if (Interlocked.Exchange(ref swept, 1) == 0)
                    SweepLeftovers(Manager(logger), logger);
                while (Ready.Count < Target)
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
    /// (their executors remove the directories) and waits until they are gone. True when every executor removed its
    /// directories itself, as it does when the host dies.
    /// </summary>
    internal static async Task<bool> DrainAsync()
    {
        await Task.WhenAll(TearingDown.Keys).ConfigureAwait(false);
        await refill.ConfigureAwait(false);
        var byExecutor = true;
        while (Ready.TryDequeue(out var prepared))
            byExecutor &= prepared.Discard();
        return byExecutor;
    }

    /// <summary>The directories of the prepared cgroups waiting now (tests).</summary>
    internal static IReadOnlyList<string> WaitingPaths => Ready.SelectMany(p => p.Part.Paths).ToList();

    private static CgroupManager Manager(ILogger logger) => manager ??= CgroupManager.Detect(logger);

    private static int swept;

    /// <summary>
    /// A prepared cgroup's id, and so its directories' name: <c>p&lt;host pid&gt;-&lt;12 hex digits&gt;</c>, so that a
    /// later process can tell whose it was (<see cref="SweepLeftovers"/>).
    /// </summary>
    private static string NewId() => $"p{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..12]}";

    /// <summary>The pid in a prepared cgroup's name (<see cref="NewId"/>), or null for any other name.</summary>
    internal static int? PreparerOf(string name)
    {
        var dash = name.IndexOf('-');
        return name.Length > 1 && name[0] == 'p' && dash > 1 && name.Length - dash - 1 == 12 &&
               name[(dash + 1)..].All(char.IsAsciiHexDigitLower) && int.TryParse(name.AsSpan(1, dash - 1), out var pid) && pid > 0
            ? pid : null;
    }

    /// <summary>
    /// Once per process, before its first preparation: removes the prepared cgroups, taken or not, whose host and
    /// executor were both killed (an executor alone removes its own when the host dies): empty directories under the
    /// default parent of each v1 hierarchy whose name is a preparer's pid that no longer runs. A directory with a
    /// process in it, or a child cgroup, is left alone (rmdir refuses it). A pid reused since is taken as alive.
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
                if (PreparerOf(name) is { } pid && !Directory.Exists($"/proc/{pid}") && parent.RemoveDirectory(name) == 0)
                    logger.LogInformation("Removed {Path}, a prepared cgroup left by process {Pid}", path, pid);
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
