using System.Runtime.CompilerServices;
using Containment.Cgroups.Controllers;
using Containment.Cgroups.Fs;
using Containment.Interop;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Containment.Cgroups.V1;

/// <summary>A container's directories in every v1 hierarchy.</summary>
internal sealed class CgroupV1Part : CgroupPart
{
    private readonly List<CgroupNode> nodes;
    private readonly ILogger? logger;
    private readonly List<SafeFileHandle> procs = [];
    private bool destroyed;

    public CgroupV1Part(List<CgroupNode> nodes, IReadOnlyList<CgroupController> controllers, ILogger? logger)
    {
        this.nodes = nodes;
        Controllers = controllers;
        this.logger = logger;
    }

    public override IReadOnlyList<CgroupController> Controllers { get; }
    public override IReadOnlyList<SafeFileHandle> ProcsFiles => procs;
    public override IReadOnlyList<string> Paths => nodes.Select(n => n.Path).ToList();
    internal IReadOnlyList<CgroupNode> Nodes => nodes;

    private CgroupNode? NodeFor(string v1Controller) => nodes.FirstOrDefault(n => n.Hierarchy.Controllers.Contains(v1Controller));

    internal void OpenProcsFiles()
    {
        foreach (var node in nodes) procs.Add(node.Leaf.OpenFile(node.Hierarchy.Name, "cgroup.procs", Libc.O_WRONLY));
    }

    /// <summary>Each directory's <c>tasks</c> file (O_WRONLY | O_CLOEXEC), owned by the caller: a thread writes "0" to join alone.</summary>
    internal List<SafeFileHandle> OpenTasksFiles()
    {
        var tasks = new List<SafeFileHandle>();
        try
        {
            foreach (var node in nodes) tasks.Add(node.Leaf.OpenFile(node.Hierarchy.Name, "tasks", Libc.O_WRONLY));
            return tasks;
        }
        catch
        {
            foreach (var t in tasks) t.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A prepared part (no limits, made ahead of need) configured as a container's: the same directories with the
    /// spec's controllers and limits. This part's cgroup.procs files close (the container is born in the cgroup).
    /// </summary>
    internal CgroupV1Part Configure(IReadOnlyList<CgroupController> controllers, CgroupSpec spec)
    {
        foreach (var p in procs) p.Dispose();
        procs.Clear();
        var part = new CgroupV1Part(nodes, controllers, logger);
        try
        {
            part.Apply(spec);
            return part;
        }
        catch
        {
            part.Dispose();
            throw;
        }
    }

    public override void Apply(CgroupSpec spec)
    {
        foreach (var controller in Controllers)
        {
            if (!controller.IsRequested(spec)) continue;
            var node = NodeFor(controller.V1Name);
            if (node is null)
            {
                if (spec.IsOptional(controller.Name, controller.V1Name)) continue;
                throw new CgroupException($"the running kernel cannot honour the {controller.Name} settings: no v1 {controller.V1Name} hierarchy is mounted", controller.Name);
            }
            node.Apply(controller, controller.V1Writes(spec).ToList(), spec, logger);
        }
    }

    public override bool CanFreeze => NodeFor("freezer") is not null;

    public override async Task SetFrozenAsync(bool frozen, CancellationToken cancellationToken)
    {
        var node = NodeFor("freezer") ?? throw new CgroupException("cannot freeze: no v1 freezer hierarchy is mounted", "freezer");
        var wanted = frozen ? "FROZEN" : "THAWED";
        for (var attempt = 0; ; attempt++)
        {
            if (attempt % 20 == 0) node.Leaf.Write("freezer", "freezer.state", wanted); // FREEZING can stall: ask again
            if (node.Leaf.Read("freezer", "freezer.state").Trim() == wanted) return;
            await Task.Delay(5, cancellationToken).ConfigureAwait(false);
        }
    }

    public override bool IsFrozen() => NodeFor("freezer")?.Leaf.TryRead("freezer.state")?.Trim() == "FROZEN";

    public override IReadOnlyList<int> Processes() => nodes.SelectMany(n => n.Processes()).Distinct().Order().ToList();

    public override async Task KillAllAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Processes() is { Count: > 0 } pids)
        {
            if (DateTime.UtcNow > deadline) throw new CgroupException($"processes {string.Join(",", pids)} survived SIGKILL in {Paths[0]}");
            if (CanFreeze)
            {
                // Freeze so that nothing forks between reading the list and killing it, then thaw so SIGKILL is acted on.
                await SetFrozenAsync(true, cancellationToken).ConfigureAwait(false);
                foreach (var pid in Processes()) Libc.Kill(pid, Libc.SIGKILL);
                await SetFrozenAsync(false, cancellationToken).ConfigureAwait(false);
            }
            else foreach (var pid in pids) Libc.Kill(pid, Libc.SIGKILL);
            for (var i = 0; i < 100 && Processes().Count > 0; i++) await Task.Delay(5, cancellationToken).ConfigureAwait(false);
        }
    }

    public override void ReadStats(CgroupStatsBuilder stats)
    {
        foreach (var controller in CgroupController.All)
            if (NodeFor(controller.V1Name) is { } node) controller.ReadV1Stats(node.Leaf, stats);
    }

    public override IAsyncEnumerable<CgroupOomEvent>? WatchOom(CancellationToken cancellationToken) =>
        NodeFor("memory") is { } node ? WatchOom(node, cancellationToken) : null;

    /// <summary>memory.oom_control + an eventfd registered through cgroup.event_control.</summary>
    private static async IAsyncEnumerable<CgroupOomEvent> WatchOom(CgroupNode node, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var efd = Libc.EventFd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        if (efd < 0) throw new CgroupException($"eventfd: {Errno.Name(System.Runtime.InteropServices.Marshal.GetLastPInvokeError())}", "memory");
        using var events = new SafeFileHandle(efd, ownsHandle: true);
        using var oomControl = node.Leaf.OpenFile("memory", "memory.oom_control", Libc.O_RDONLY);
        node.Leaf.Write("memory", "cgroup.event_control", $"{efd} {(int)oomControl.DangerousGetHandle()}");
        while (true)
        {
            await FdWait.WaitReadableAsync(events, cancellationToken).ConfigureAwait(false);
            FdWait.Drain(events);
            // The eventfd is also signalled when the cgroup is removed.
            var text = node.Leaf.TryRead("memory.oom_control");
            if (text is null) yield break;
            yield return new CgroupOomEvent(DateTimeOffset.UtcNow, CgroupFileFormat.FlatKeyed(text).GetValueOrDefault("oom_kill"));
        }
    }

    public override void Destroy()
    {
        if (destroyed) return;
        // Only a cgroup we created is ours to empty; a joined, pre-existing one keeps its processes.
        if (nodes.Any(n => n.Created.Contains(n.RelativePath)) && Processes().Count > 0) KillAllAsync(CancellationToken.None).GetAwaiter().GetResult();
        foreach (var p in procs) p.Dispose();
        var failures = new List<string>();
        foreach (var node in nodes)
            if (node.Remove(TimeSpan.FromSeconds(2), logger) is var errno and not 0) failures.Add($"{node.Path}: {Errno.Name(errno)}");
        foreach (var node in nodes) node.Dispose();
        destroyed = true;
        if (failures.Count > 0) throw new CgroupException("cannot remove cgroup: rmdir " + string.Join("; ", failures));
    }

    public override void Dispose()
    {
        foreach (var p in procs) p.Dispose();
        foreach (var node in nodes) node.Dispose();
    }
}
