using Containment.Oci;

namespace Containment.Runtime.Commands;

/// <summary><c>pause ID</c> and <c>resume ID</c>: the freezer of the container's cgroup (v1 freezer, v2 cgroup.freeze).</summary>
internal static class FreezeCommand
{
    public static async Task<int> RunAsync(Runtime runtime, IReadOnlyList<string> args, bool frozen, CancellationToken cancellationToken)
    {
        var id = Args.Parse(args, [], []).Id(frozen ? "pause" : "resume");
        using var guard = runtime.Lock(id);
        var record = guard.Load();
        var status = Runtime.StatusOf(record);
        if (frozen && status != OciStatus.Running)
            throw new CliException($"container not running");
        if (!frozen && status != OciStatus.Paused)
            throw new CliException($"container not paused");
        await SetFrozenAsync(runtime, record, frozen, cancellationToken);
        guard.Save(record with { Status = frozen ? OciStatus.Paused : OciStatus.Running });
        return 0;
    }

    public static async Task SetFrozenAsync(Runtime runtime, ContainerRecord record, bool frozen, CancellationToken cancellationToken)
    {
        using var cgroup = ContainerOps.OpenCgroup(runtime, record);
        if (frozen)
            await cgroup.PauseAsync(cancellationToken);
        else
            await cgroup.ResumeAsync(cancellationToken);
    }
}
