using Containment.Oci;

namespace Containment.Runtime.Commands;

/// <summary>
/// <c>create</c>: sets the container up and leaves its init waiting on the start FIFO. When this returns,
/// init's monitor has exited, so init is a child of the caller's subreaper (conmon, containerd-shim).
/// </summary>
internal static class CreateCommand
{
    public static async Task<int> RunAsync(Runtime runtime, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var a = Args.Parse(args, ["bundle|b", "pid-file", "console-socket", "preserve-fds"], ["no-pivot", "no-new-keyring", "detach|d", "dry-run"]);
        var id = a.Id("create");
        if (a.Has("dry-run"))
            return DryRun.Print(runtime, id, Load(runtime, a, foreground: false), gated: true);
        await CreateAsync(runtime, a, id, Load(runtime, a, foreground: false), cancellationToken);
        return 0;
    }

    /// <summary>
    /// Creates the container; returns its record (status created) and, for a foreground run with a terminal and no
    /// console socket, the pty master to relay.
    /// </summary>
    public static async Task<(ContainerRecord Record, Microsoft.Win32.SafeHandles.SafeFileHandle? Terminal)> CreateAsync(
        Runtime runtime, Args a, string id, LoadedBundle bundle, CancellationToken cancellationToken)
    {
        var (record, container, terminal) = await SetUpAsync(runtime, a, id, bundle, gated: true, cancellationToken);
        await container.DisposeAsync(); // detached: init stays, waiting on the start FIFO
        return (record, terminal);
    }

    /// <summary>
    /// A foreground run that needs no stop between create and start (no startContainer hooks): the container's process
    /// runs at once, under this runtime's executor, which reports its exit and removes its cgroup when the returned
    /// handle is disposed. The record says running.
    /// </summary>
    public static Task<(ContainerRecord Record, ContainerProcess Container, Microsoft.Win32.SafeHandles.SafeFileHandle? Terminal)> StartAsync(
        Runtime runtime, Args a, string id, LoadedBundle bundle, CancellationToken cancellationToken) =>
        SetUpAsync(runtime, a, id, bundle, gated: false, cancellationToken);

    /// <summary>
    /// Records the container and starts it: <paramref name="gated"/>, detached and waiting on its start FIFO (status
    /// created); otherwise attached and running.
    /// </summary>
    private static async Task<(ContainerRecord Record, ContainerProcess Container, Microsoft.Win32.SafeHandles.SafeFileHandle? Terminal)> SetUpAsync(
        Runtime runtime, Args a, string id, LoadedBundle bundle, bool gated, CancellationToken cancellationToken)
    {
        var (path, config, spec) = bundle;
        if (runtime.Store.Exists(id))
            throw new CliException($"container with id \"{id}\" already exists");

        var record = new ContainerRecord
        {
            Id = id,
            Bundle = path,
            Status = OciStatus.Creating,
            Created = DateTimeOffset.UtcNow,
            Annotations = config.Annotations,
        };
        using var guard = runtime.Store.Create(record);
        Phases.Mark("recorded");
        ContainerProcess? container = null;
        try
        {
            var options = runtime.StartOptions with { Id = id };
            if (gated)
            {
                var fifo = runtime.FifoOf(id);
                ContainerStartGate.Create(fifo);
                options = options with { Detached = true, StartFifo = fifo };
            }
            if (config.Hooks is { } hooks && (hooks.Prestart ?? hooks.CreateRuntime ?? hooks.CreateContainer) is not null)
                options = options with { BeforePivotRoot = (pid, ct) => RunCreateHooksAsync(hooks, record, pid, ct) };
            container = await ContainerProcess.StartAsync(spec, options, cancellationToken);
            var terminal = Terminals.SendToConsoleSocket(container, a.Value("console-socket"));
            // Attached, a short process may be gone (reaped by its executor) already: recorded by pid alone, it reads as stopped.
            record = (ProcessIdentity.Of(container.Pid) is { } process ? record.WithProcess(process) : record with { Pid = container.Pid }) with
            {
                Status = gated ? OciStatus.Created : OciStatus.Running,
                RuntimeData = RuntimeData(container, config, runtime),
            };
            Phases.Mark("launched");
            guard.Save(record);
            await ContainerOps.WritePidFileAsync(a.Value("pid-file"), container.Pid);
            return (record, container, terminal);
        }
        catch
        {
            // Nothing is left behind: not the process, not its cgroup, not the state folder.
            if (container is not null)
            {
                container.Kill();
                container.Cgroup?.Destroy();
                await container.DisposeAsync();
            }
            guard.Delete();
            throw;
        }
    }

    private static Dictionary<string, string> RuntimeData(ContainerProcess container, OciConfig config, Runtime runtime)
    {
        var data = new Dictionary<string, string> { ["cgroupPaths"] = string.Join('\n', container.Cgroup?.Paths ?? []) };
        if (runtime.SystemdCgroup)
            data[Runtime.CgroupDriverKey] = "systemd";
        if (config.Linux?.CgroupsPath is { } cgroupsPath)
            data[Runtime.CgroupsPathKey] = cgroupsPath;
        return data;
    }

    /// <summary>
    /// As runc: once the container's mounts are in place and before its root is pivoted, prestart and createRuntime in
    /// the runtime's namespaces, then createContainer in the container's; the state says "creating".
    /// </summary>
    private static async Task RunCreateHooksAsync(OciHooks hooks, ContainerRecord record, int pid, CancellationToken cancellationToken)
    {
        var state = ContainerStateStore.ToOciState(record.WithProcess(pid) with { Status = OciStatus.Creating }).ToJson();
        await Hooks.RunAsync("prestart", hooks.Prestart, state, cancellationToken);
        await Hooks.RunAsync("createRuntime", hooks.CreateRuntime, state, cancellationToken);
        await Hooks.RunInContainerAsync("createContainer", hooks.CreateContainer, pid, state, cancellationToken);
    }

    /// <summary>The bundle (--bundle, else the working directory), its config and the spec it converts to.</summary>
    public static LoadedBundle Load(Runtime runtime, Args a, bool foreground)
    {
        var bundle = Path.GetFullPath(a.Value("bundle") ?? ".");
        OciConfig config;
        try
        {
            config = OciConfig.LoadBundle(bundle);
        }
        catch (OciConfigException e)
        {
            throw new CliException(e.Message);
        }
        Terminals.Check(config.Process?.Terminal == true, a.Value("console-socket"), foreground);
        Phases.Mark("parsed");
        var spec = OciSpecConverter.ToContainerSpec(config, bundle, runtime.Log);
        if (runtime.SystemdCgroup)
            spec = spec.WithCgroupDriver(Cgroups.CgroupDriverKind.Systemd);
        spec = spec.WithProcess(PreservedFds.Apply(spec.Process, a));
        if (a.Has("no-pivot"))
            spec = spec.WithNoPivotRoot();
        if (a.Has("no-new-keyring"))
            spec = spec.WithNewSessionKeyring(false);
        runtime.Log.Debug($"loaded {bundle}/config.json");
        return new LoadedBundle(bundle, config, spec);
    }
}

/// <summary>A bundle as <c>create</c> and <c>run</c> read it: its folder, its config, the spec it converts to.</summary>
internal sealed record LoadedBundle(string Path, OciConfig Config, ContainerSpec Spec);
