using Containment.Oci;

namespace Containment.Runtime.Commands;

/// <summary>
/// <c>delete [--force] ID</c>: a stopped or created container is removed; a running or paused one only with
/// --force (it is killed first). Removes its cgroup and state, then runs the poststop hooks.
/// </summary>
internal static class DeleteCommand
{
    public static async Task<int> RunAsync(Runtime runtime, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var a = Args.Parse(args, [], ["force|f"]);
        var id = a.Id("delete");
        runtime.Store.RemoveLeftovers(); // what a create or delete killed halfway left, whichever container it was
        if (!runtime.Store.Exists(id))
        {
            if (a.Has("force"))
                return 0; // runc: deleting a missing container with --force succeeds
            throw new CliException($"container \"{id}\" does not exist");
        }
        await DeleteAsync(runtime, id, a.Has("force"), cancellationToken);
        return 0;
    }

    /// <summary>Deletes a container; <paramref name="config"/> is its bundle's, when the caller has read it already.</summary>
    public static async Task DeleteAsync(Runtime runtime, string id, bool force, CancellationToken cancellationToken, OciConfig? config = null)
    {
        ContainerRecord record;
        using (var guard = runtime.Lock(id))
        {
            record = guard.Load();
            var status = Runtime.StatusOf(record);
            if (status is OciStatus.Running or OciStatus.Paused && !force)
                throw new CliException($"cannot delete container {id} that is not stopped: {status.ToString().ToLowerInvariant()}");
            if (status == OciStatus.Paused)
                await FreezeCommand.SetFrozenAsync(runtime, record, false, cancellationToken);
            await ContainerOps.KillAllAndWaitAsync(record, cancellationToken);
            if (runtime.DriverOf(record) == Cgroups.CgroupDriverKind.Systemd)
                ContainerOps.StopScope(runtime, record);
            else
                ContainerOps.RemoveCgroups(record, runtime.Log);
            if (ContainerOps.CgroupPaths(record).Count == 0)
                ContainerOps.RemoveUnrecordedCgroup(runtime, record);
            guard.Delete();
        }
        try
        {
            config ??= OciConfig.LoadBundle(record.Bundle);
            await Hooks.RunWarningAsync("poststop", config.Hooks?.Poststop, Runtime.StateJson(record with { Status = OciStatus.Stopped }), runtime.Log, cancellationToken);
        }
        catch (Exception e) when (e is CliException or OciConfigException or IOException)
        {
            runtime.Log.Warning(e.Message);
        }
    }
}
