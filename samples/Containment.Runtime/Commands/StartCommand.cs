using Containment.Oci;

namespace Containment.Runtime.Commands;

/// <summary><c>start</c>: opens the created container's start FIFO; its init execs the user's process.</summary>
internal static class StartCommand
{
    public static async Task<int> RunAsync(Runtime runtime, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var a = Args.Parse(args, [], []);
        var id = a.Id("start");
        await StartAsync(runtime, id, cancellationToken);
        return 0;
    }

    public static async Task StartAsync(Runtime runtime, string id, CancellationToken cancellationToken)
    {
        ContainerRecord record;
        OciConfig config;
        using (var guard = runtime.Lock(id))
        {
            record = guard.Load();
            config = OciConfig.LoadBundle(record.Bundle);
            var status = Runtime.StatusOf(record);
            if (status != OciStatus.Created)
                throw new CliException($"cannot start a container that has {(status == OciStatus.Stopped ? "stopped" : "already started")}");
            await RunStartContainerHooksAsync(config, record, cancellationToken);
            await ContainerStartGate.OpenAsync(runtime.FifoOf(id), record.Pid, cancellationToken);
            record = record with { Status = OciStatus.Running };
            guard.Save(record);
        }
        await Hooks.RunWarningAsync("poststart", config.Hooks?.Poststart, Runtime.StartedStateJson(record), runtime.Log, cancellationToken);
    }

    /// <summary>
    /// startContainer hooks run in the container (its root, its namespaces) before its process is executed; one that
    /// fails stops the container, which stays to be deleted.
    /// </summary>
    private static async Task RunStartContainerHooksAsync(OciConfig config, ContainerRecord record, CancellationToken cancellationToken)
    {
        if (config.Hooks?.StartContainer is not { Count: > 0 } hooks)
            return;
        try
        {
            // Confined as the container's process: an image binary run here gets nothing that process would not have.
            var container = OciSpecConverter.ToContainerSpec(config, record.Bundle);
            await Hooks.RunInContainerAsync("startContainer", hooks, record.Pid, Runtime.StateJson(record), cancellationToken, container);
        }
        catch (CliException)
        {
            ContainerOps.Signal(record, 9);
            throw;
        }
    }
}
