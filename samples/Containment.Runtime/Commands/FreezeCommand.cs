using Containment.Oci;

namespace Containment.Runtime.Commands;

/// <summary><c>pause ID</c> and <c>resume ID</c>: the freezer of the container's cgroup.</summary>
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
        await SetFrozenAsync(record, frozen, cancellationToken);
        guard.Save(record with { Status = frozen ? OciStatus.Paused : OciStatus.Running });
        return 0;
    }

    public static async Task SetFrozenAsync(ContainerRecord record, bool frozen, CancellationToken cancellationToken)
    {
        var freezer = ContainerOps.CgroupPaths(record).FirstOrDefault(p => File.Exists(Path.Combine(p, "freezer.state")))
            ?? throw new CliException($"container \"{record.Id}\" has no freezer cgroup");
        var file = Path.Combine(freezer, "freezer.state");
        var wanted = frozen ? "FROZEN" : "THAWED";
        for (var i = 0; i < 2000; i++)
        {
            if (i % 20 == 0)
                await File.WriteAllTextAsync(file, wanted, cancellationToken);
            if ((await File.ReadAllTextAsync(file, cancellationToken)).Trim() == wanted)
                return;
            await Task.Delay(5, cancellationToken);
        }
        throw new CliException($"container \"{record.Id}\": the freezer did not reach {wanted}");
    }
}
