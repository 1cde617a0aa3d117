namespace Containment.Runtime.Commands;

/// <summary>
/// <c>run</c>: create + start. Detached, it returns once the container runs; otherwise it waits for init to
/// exit, deletes the container and exits with init's code. A foreground run with nothing to do between create and
/// start (no startContainer hooks, no --keep) starts its process at once and waits on its executor: no start FIFO,
/// no second pass over the state, no cgroup scan at delete (the executor removes the cgroup as the run ends).
/// </summary>
internal static class RunCommand
{
    public static async Task<int> RunAsync(Runtime runtime, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var a = Args.Parse(args, ["bundle|b", "pid-file", "console-socket", "preserve-fds"], ["detach|d", "no-pivot", "no-new-keyring", "keep", "dry-run"]);
        var id = a.Id("run");
        var foreground = !a.Has("detach");
        var bundle = CreateCommand.Load(runtime, a, foreground);
        Phases.Mark("loaded");
        if (a.Has("dry-run"))
            return DryRun.Print(runtime, id, bundle, gated: !foreground || a.Has("keep") || bundle.Config.Hooks?.StartContainer is { Count: > 0 });
        if (foreground && !a.Has("keep") && bundle.Config.Hooks?.StartContainer is not { Count: > 0 })
            return await RunAttachedAsync(runtime, a, id, bundle, cancellationToken);
        if (foreground)
            Interop.BecomeSubreaper();
        var (record, terminal) = await CreateCommand.CreateAsync(runtime, a, id, bundle, cancellationToken);
        using var keptTerminal = terminal;
        runtime.Log.Debug($"created {id}, pid {record.Pid}");
        try
        {
            await StartCommand.StartAsync(runtime, id, cancellationToken);
        }
        catch
        {
            await DeleteCommand.DeleteAsync(runtime, id, force: true, CancellationToken.None, bundle.Config);
            throw;
        }
        runtime.Log.Debug($"started {id}");
        if (a.Has("detach"))
            return 0;
        // Not our child (its monitor left at create): wait for it to go, as runc's non-detached run would.
        var relay = terminal is null ? Task.CompletedTask : TerminalRelay.CopyAsync(terminal, cancellationToken);
        var exit = await WaitForExitAsync(record.Pid, cancellationToken);
        await relay.WaitAsync(TimeSpan.FromSeconds(2), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
        runtime.Log.Debug($"{id} exited with {exit}");
        if (!a.Has("keep"))
            await DeleteCommand.DeleteAsync(runtime, id, force: true, CancellationToken.None, bundle.Config);
        runtime.Log.Debug($"deleted {id}");
        return exit;
    }

    private static async Task<int> RunAttachedAsync(Runtime runtime, Args a, string id, LoadedBundle bundle, CancellationToken cancellationToken)
    {
        var (record, container, terminal) = await CreateCommand.StartAsync(runtime, a, id, bundle, cancellationToken);
        Phases.Mark("started");
        runtime.Log.Debug($"started {id}, pid {record.Pid}");
        try
        {
            using var keptTerminal = terminal;
            await Hooks.RunWarningAsync("poststart", bundle.Config.Hooks?.Poststart, Runtime.StartedStateJson(record), runtime.Log, cancellationToken);
            var relay = terminal is null ? Task.CompletedTask : TerminalRelay.CopyAsync(terminal, cancellationToken);
            var exit = await container.WaitForExitAsync(cancellationToken);
            Phases.Mark("exited");
            await relay.WaitAsync(TimeSpan.FromSeconds(2), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
            runtime.Log.Debug($"{id} exited with {exit.ShellCode}");
            return exit.ShellCode;
        }
        finally
        {
            await container.DisposeAsync(); // kills it if still running (cancelled), removes its cgroup
            Phases.Mark("disposed");
            await DeleteUnlessGoneAsync(runtime, id, bundle.Config);
            Phases.Mark("deleted");
        }
    }

    /// <summary>Deletes the run's container, unless a <c>delete --force</c> from outside came first (or is under way).</summary>
    private static async Task DeleteUnlessGoneAsync(Runtime runtime, string id, Oci.OciConfig config)
    {
        try
        {
            await DeleteCommand.DeleteAsync(runtime, id, force: true, CancellationToken.None, config);
            runtime.Log.Debug($"deleted {id}");
        }
        catch (Exception e) when (e is CliException or Oci.ContainerNotFoundException && !runtime.Store.Exists(id))
        {
            runtime.Log.Debug($"{id} was deleted by another command");
        }
    }

    private static async Task<int> WaitForExitAsync(int pid, CancellationToken cancellationToken)
    {
        // As a subreaper we inherited init when its monitor left: its exit status is ours to collect.
        while (true)
        {
            var status = Interop.WaitPid(pid);
            if (status is { } s)
                return ContainerExit.FromWaitStatus(s).ShellCode;
            if (!Directory.Exists($"/proc/{pid}"))
                return 0;
            // Woken by the exit itself (a pidfd), not by a timer; the timeout only bounds a cancellation's delay.
            cancellationToken.ThrowIfCancellationRequested();
            if (!Interop.WaitUntilExited(pid, 200))
                await Task.Delay(5, cancellationToken);
        }
    }
}
