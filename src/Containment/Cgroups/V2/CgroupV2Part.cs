using System.Runtime.CompilerServices;
using Containment.Cgroups.Controllers;
using Containment.Cgroups.Devices;
using Containment.Cgroups.Fs;
using Containment.Interop;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Containment.Cgroups.V2;

/// <summary>A container's leaf in the unified hierarchy.</summary>
internal sealed class CgroupV2Part : CgroupPart
{
    private readonly CgroupNode node;
    private readonly IDeviceFilterAttacher attacher;
    private readonly ILogger? logger;
    private readonly List<SafeFileHandle> procs = [];
    private IDisposable? deviceFilter;
    private bool destroyed;

    public CgroupV2Part(CgroupNode node, IReadOnlyList<CgroupController> controllers, IDeviceFilterAttacher attacher, ILogger? logger)
    {
        this.node = node;
        Controllers = controllers;
        this.attacher = attacher;
        this.logger = logger;
    }

    public override IReadOnlyList<CgroupController> Controllers { get; }
    public override IReadOnlyList<SafeFileHandle> ProcsFiles => procs;
    public override IReadOnlyList<string> Paths => [node.Path];

    /// <summary>The leaf directory fd, for clone3(CLONE_INTO_CGROUP).</summary>
    public SafeFileHandle Directory => node.Leaf.Handle;

    internal CgroupNode Node => node;

    /// <summary>
    /// Whether this part was opened (<see cref="CgroupV2Driver.Open"/>) rather than created: its device filter, if
    /// any, was attached by another process and cannot be replaced from here.
    /// </summary>
    public bool IsOpened { get; init; }

    internal void OpenProcsFile() => procs.Add(node.Leaf.OpenFile("cgroup", "cgroup.procs", Libc.O_WRONLY));

    public override void Apply(CgroupSpec spec)
    {
        foreach (var controller in Controllers)
        {
            if (!controller.IsRequested(spec)) continue;
            if (controller is DevicesController)
            {
                if (IsOpened && deviceFilter is null)
                    throw new CgroupException($"cannot change the device rules of {node.Path}: it was opened, and the eBPF device filter attached by the process that created it cannot be replaced from here", controller.Name);
                deviceFilter = attacher.Attach(node.Leaf.Handle, node.Path, DeviceFilterCompiler.Compile(spec.Devices!), deviceFilter);
                logger?.LogDebug("cgroup v2: device filter of {Rules} rules on {Path}", spec.Devices!.Count, node.Path);
                continue;
            }
            if (!controller.ExistsOnV2)
            {
                if (spec.IsOptional(controller.Name, controller.Name)) continue;
                throw new CgroupException($"the running kernel cannot honour the {controller.Name} settings: {controller.Name} is a cgroup v1 controller with no cgroup v2 equivalent", controller.Name);
            }
            node.Apply(controller, controller.V2Writes(spec).ToList(), spec, logger);
        }
    }

    public override bool CanFreeze => node.Leaf.Exists("cgroup.freeze");

    public override async Task SetFrozenAsync(bool frozen, CancellationToken cancellationToken)
    {
        node.Leaf.Write("cgroup", "cgroup.freeze", frozen ? "1" : "0");
        var wanted = frozen ? 1 : 0;
        while (CgroupFileFormat.FlatKeyed(node.Leaf.Read("cgroup", "cgroup.events")).GetValueOrDefault("frozen") != wanted)
            await Task.Delay(5, cancellationToken).ConfigureAwait(false);
    }

    public override bool IsFrozen() =>
        CgroupFileFormat.FlatKeyed(node.Leaf.TryRead("cgroup.events")).GetValueOrDefault("frozen") == 1;

    public override IReadOnlyList<int> Processes() => node.Processes();

    private bool Populated() => CgroupFileFormat.FlatKeyed(node.Leaf.TryRead("cgroup.events")).GetValueOrDefault("populated") != 0;

    public override async Task KillAllAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        var hasKill = node.Leaf.Exists("cgroup.kill");
        while (Processes() is { Count: > 0 } pids)
        {
            if (DateTime.UtcNow > deadline) throw new CgroupException($"processes {string.Join(",", pids)} survived SIGKILL in {node.Path}");
            if (hasKill) node.Leaf.Write("cgroup", "cgroup.kill", "1");
            else
            {
                await SetFrozenAsync(true, cancellationToken).ConfigureAwait(false);
                foreach (var pid in Processes()) Libc.Kill(pid, Libc.SIGKILL);
                await SetFrozenAsync(false, cancellationToken).ConfigureAwait(false);
            }
            for (var i = 0; i < 100 && Processes().Count > 0; i++) await Task.Delay(5, cancellationToken).ConfigureAwait(false);
        }
        for (var i = 0; i < 100 && Populated(); i++) await Task.Delay(5, cancellationToken).ConfigureAwait(false);
    }

    public override void ReadStats(CgroupStatsBuilder stats)
    {
        foreach (var controller in CgroupController.All) controller.ReadV2Stats(node.Leaf, stats);
    }

    public override IAsyncEnumerable<CgroupOomEvent>? WatchOom(CancellationToken cancellationToken) =>
        node.Leaf.Exists("memory.events") ? WatchOomEvents(cancellationToken) : null;

    /// <summary>inotify on memory.events: each change is re-read and an event yielded when oom or oom_kill grew.</summary>
    private async IAsyncEnumerable<CgroupOomEvent> WatchOomEvents([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var fd = Libc.InotifyInit1(Libc.IN_CLOEXEC | Libc.IN_NONBLOCK);
        if (fd < 0) throw new CgroupException($"inotify_init1: {Errno.Name(System.Runtime.InteropServices.Marshal.GetLastPInvokeError())}", "memory");
        using var inotify = new SafeFileHandle(fd, ownsHandle: true);
        // The path goes through our directory fd (/proc/self/fd/N), so it names the cgroup we hold, not a string path.
        if (Libc.InotifyAddWatch(fd, $"/proc/self/fd/{(int)node.Leaf.Handle.DangerousGetHandle()}/memory.events", Libc.IN_MODIFY) < 0)
            throw new CgroupException($"inotify_add_watch({node.Path}/memory.events): {Errno.Name(System.Runtime.InteropServices.Marshal.GetLastPInvokeError())}", "memory", "memory.events");
        var last = CgroupFileFormat.FlatKeyed(node.Leaf.TryRead("memory.events"));
        while (true)
        {
            await FdWait.WaitReadableAsync(inotify, cancellationToken).ConfigureAwait(false);
            FdWait.Drain(inotify);
            var text = node.Leaf.TryRead("memory.events");
            if (text is null) yield break;
            var now = CgroupFileFormat.FlatKeyed(text);
            var grew = now.GetValueOrDefault("oom") > last.GetValueOrDefault("oom") || now.GetValueOrDefault("oom_kill") > last.GetValueOrDefault("oom_kill");
            last = now;
            if (grew) yield return new CgroupOomEvent(DateTimeOffset.UtcNow, now.GetValueOrDefault("oom_kill"));
        }
    }

    public override void Destroy()
    {
        if (destroyed) return;
        // Only a cgroup we created is ours to empty; a joined, pre-existing one keeps its processes.
        if (node.Created.Contains(node.RelativePath) && Processes().Count > 0) KillAllAsync(CancellationToken.None).GetAwaiter().GetResult();
        foreach (var p in procs) p.Dispose();
        var errno = node.Remove(TimeSpan.FromSeconds(2), logger);
        deviceFilter?.Dispose();
        node.Dispose();
        destroyed = true;
        if (errno != 0) throw new CgroupException($"cannot remove cgroup: rmdir {node.Path}: {Errno.Name(errno)}", null, null, errno);
    }

    public override void Dispose()
    {
        foreach (var p in procs) p.Dispose();
        deviceFilter?.Dispose();
        node.Dispose();
    }
}
