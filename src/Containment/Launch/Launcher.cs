using System.Diagnostics;
using System.Runtime.InteropServices;
using Containment.Cgroups;
using Containment.Identity;
using Containment.Interop;
using Containment.Namespaces;
using Containment.Seccomp;
using Containment.Seccomp.Notify;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Containment.Launch;

/// <summary>Validates, opens what the launch needs, compiles the plan, runs the executor and waits for exec.</summary>
internal static class Launcher
{
    public static async Task<ContainerProcess> StartAsync(ContainerSpec spec, ContainerStartOptions options, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var logger = options.LoggerFor("Container");
        // A joined process is held by a pidfd before anything of it is read: a recycled pid is refused (JoinedTarget).
        using var target = spec.Rootfs is RootfsSpec.Joined joinedRoot ? JoinedTarget.Pin(joinedRoot) : null;
        var requested = spec;
        // On cgroup v1, a cgroup prepared ahead of need: its executor's placeholder already is in it (PreparedCgroups).
        // Taken once the spec is adapted and valid, so a refused start never takes one.
        PreparedCgroup? prepared = null;
        var poolDemand = false; // counted as demand for prepared cgroups until the container is disposed
        (spec, var inputs) = LaunchPreparation.Prepare(spec, options, adapted =>
        {
            prepared = PreparedCgroups.TryTake(adapted, options, out poolDemand);
            return prepared?.Id ?? options.Id ?? Guid.NewGuid().ToString("N")[..16];
        });
        var id = inputs.ContainerId;
        var landlock = inputs.Landlock;
        var joinsNetwork = LaunchPreparation.JoinsNetwork(spec);
        var started = Stopwatch.GetTimestamp();
        LaunchStreams? streams = null;
        ExecutorChannel? channel = null;
        SafeFileHandle? pidfd = null;
        SafeFileHandle? terminal = null;
        CgroupHandle? cgroup = null;
        SeccompSupervisor? supervisor = null;
        Networking.CniAttachment? network = null;
        var registration = LiveContainers.Register(id);
        Networking.NetworkFiles? networkFiles = null;
        try
        {
            if (joinsNetwork)
                (spec, networkFiles) = Networking.NetworkFiles.Prepare(spec, id);
            OpenJoinedNamespaces(spec.Namespaces, inputs);
            if (options.StartFifo is not null)
                OpenStartFifo(options.StartFifo, inputs);
            if (spec.Rootfs is RootfsSpec.Joined joined)
            {
                CgroupJoin.OpenOf(joined.Pid, inputs, options.SkipPausedCheck);
                target!.ThrowIfExited();
            }
            else
                inputs.MountSources = Mounts.MountSources.Open(spec);
            if (prepared is not null)
            {
                channel = prepared.Channel;
                registration.Claim(prepared.Part.Paths);
                cgroup = prepared.Manager.ConfigurePrepared(prepared.Part, spec.Cgroup!);
                inputs.CgroupPaths = cgroup.Paths;
            }
            else if (spec.Rootfs is not RootfsSpec.Joined && spec.Cgroup is not null)
            {
                var manager = CgroupManager.Detect(options.LoggerFor("Cgroups"));
                // The executor runs first, knowing what the launch is about to create: if the host dies, it removes that.
                channel = ExecutorChannel.Spawn();
                if (spec.CgroupDriver == CgroupDriverKind.Systemd)
                    manager = new CgroupManager(manager.Layout, MachineTopology.Host, logger)
                        { Driver = CgroupDriverKind.Systemd, PlaceholderPid = channel.ExecutorPid };
                // With the driver known: a systemd cgroupsPath names a scope, which the cgroupfs driver refuses.
                registration.Claim(manager.DirectoriesOf(id, spec.CgroupsPath).Where(d => d.IsLeaf).Select(d => d.Path));
                await channel.AnnounceAsync(AnnounceCgroup(manager, id, spec.CgroupsPath), cancellationToken).ConfigureAwait(false);
                if (Rootless.IsRootless)
                    (cgroup, spec) = TryCreateDelegatedCgroup(manager, spec, id, options.AllowUnenforcedLimits, logger);
                else
                    cgroup = manager.Create(spec.Cgroup, id, spec.CgroupsPath);
                inputs.CgroupPaths = cgroup?.Paths ?? [];
                // Pure v2: clone3 puts the child in its cgroup. v1: the child writes itself into each tasks file (and a
                // hybrid host's v2 leaf takes it at the clone); rootless, the monitor writes its pid.
                if (cgroup?.Directory is not null)
                    inputs.CgroupDirectory = cgroup.Directory;
                else if (cgroup is not null && CgroupSelfJoin.Applies(manager))
                {
                    var (tasks, leaf) = cgroup.OpenSelfJoin();
                    inputs.Owned.AddRange(tasks);
                    inputs.CgroupTasks.AddRange(tasks);
                    inputs.CgroupDirectory = leaf;
                }
                else if (cgroup is not null)
                    inputs.CgroupProcs.AddRange(cgroup.ProcsFiles);
            }
            // A cgroup made for this container counts from 0; one at a given path may have a past.
            var oomKillsAtStart = cgroup is not null && spec.CgroupsPath is not null ? new Cgroup(cgroup).GetStats().Memory?.OomKills ?? 0 : 0;
            streams = LaunchStreams.Open(spec.Process, inputs, options.UnreadOutputLimit, logger, id);
            var plan = PlanCompiler.Compile(spec, inputs);
            options.PlanCompiled?.Invoke(plan);
            if (channel is null)
                channel = ExecutorChannel.Start(plan.Encode(), plan.Fds);
            else
                channel.SendPlan(plan.Encode(), plan.Fds);
            streams.Dispose();
            DisposeInputs(inputs);

            using var cancel = cancellationToken.Register(static c => ((ExecutorChannel)c!).Dispose(), channel);
            int pid = 0;
            ContainerStartException? failure = null;
            while (true)
            {
                var received = await ReceiveOrCancelled(channel, cancellationToken).ConfigureAwait(false);
                if (received is null)
                    break;
                var (message, fd) = received.Value;
                if (message.Kind == MessageKind.Pid)
                {
                    pid = message.Value;
                    pidfd = fd;
                    cgroup?.ContainerJoined();
                    continue;
                }
                if (message.Kind == MessageKind.Terminal && fd is not null)
                {
                    terminal?.Dispose();
                    terminal = fd;
                    continue;
                }
                if (message.Kind == MessageKind.SeccompListener && fd is not null)
                {
                    supervisor = await TakeListenerAsync(fd, pid, options, logger, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                fd?.Dispose();
                if (message.Kind == MessageKind.Sync && message.Value == unchecked((int)IdentityPlanner.SyncIdMaps) && spec.UserNamespace is not null)
                {
                    await IdMapHelpers.WriteAsync(pid, spec.UserNamespace, cancellationToken).ConfigureAwait(false);
                    channel.Continue();
                    continue;
                }
                if (message.Kind == MessageKind.Sync && message.Value == unchecked((int)PlanCompiler.SyncBeforePivot) && inputs.SyncBeforePivot)
                {
                    if (joinsNetwork)
                        network = await Networking.CniAttachment.AttachAsync(spec, id, pid, networkFiles, options.LoggerFor("Network"), cancellationToken).ConfigureAwait(false);
                    if (options.BeforePivotRoot is { } beforePivot)
                        await beforePivot(pid, cancellationToken).ConfigureAwait(false);
                    channel.Continue();
                    continue;
                }
                if (message.Kind == MessageKind.Error)
                    failure ??= StartFailure.Describe(plan, message, spec);
                else if ((message.Kind == MessageKind.ExecOk || (message.Kind == MessageKind.Ready && inputs.StartFifo is not null)) && failure is null)
                {
                    logger.LogInformation(LogEvents.Started, "Container {Id} started: pid {Pid} in {Ms:F2} ms", id, pid, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    var process = new ContainerProcess(id, channel, pid, pidfd, streams, terminal, cgroup, supervisor, options.Detached, logger, requested,
                        oomKillsAtStart, registration) { Network = network, PrepareCgroups = options.PrepareCgroups && cgroup is not null, FromPreparedCgroup = prepared is not null,
                          PoolDemand = poolDemand };
                    process.SetLandlock(landlock);
                    return process;
                }
            }
            // The executor is gone without an exec: it has reaped the child already.
            channel.Reap();
            cancellationToken.ThrowIfCancellationRequested();
            throw failure ?? new ContainerStartException(-1, "executor", "exited before exec", Errno.EIO);
        }
        catch (Exception e)
        {
            if (e is ContainerStartException start)
                logger.LogWarning(LogEvents.StartFailed, "Container {Id} failed to start: {Message}", id, start.Message);
            registration.Dispose();
            if (poolDemand)
                PreparedCgroups.Ended();
            if (prepared is not null && cgroup is null)
                prepared.Part.Dispose();
            channel?.Dispose();
            // Never a synchronous wait here: an executor whose child is frozen exits only once it is thawed.
            channel?.ReapInBackground();
            if (supervisor is not null)
                await supervisor.DisposeAsync().ConfigureAwait(false);
            pidfd?.Dispose();
            terminal?.Dispose();
            streams?.Dispose();
            streams?.DisposeHostEnds();
            DisposeInputs(inputs);
            DestroyCgroup(cgroup, logger);
            if (network is not null)
                await network.DetachAsync().ConfigureAwait(false);
            networkFiles?.Delete();
            // A cancellation disposes the channel (above): a step that then used it failed because of the cancellation.
            if (e is ObjectDisposedException && cancellationToken.IsCancellationRequested)
                throw new OperationCanceledException("the start was cancelled", e, cancellationToken);
            throw;
        }
    }

    /// <summary>The seccomp listener arrived: a supervisor answers it, or the caller takes it (OCI listenerPath).</summary>
    private static async Task<SeccompSupervisor?> TakeListenerAsync(SafeFileHandle listener, int pid, ContainerStartOptions options,
        ILogger logger, CancellationToken cancellationToken)
    {
        if (options.SeccompListener is { } receive)
        {
            try
            {
                await receive(listener, pid, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                listener.Dispose(); // the receiver failed: the start fails, and the listener must not outlive it
                throw;
            }
            return null;
        }
        if (options.SeccompNotify is { } handler)
            return SeccompSupervisor.Start(listener, handler, logger);
        listener.Dispose();
        return null;
    }

    internal static void DestroyCgroup(CgroupHandle? cgroup, ILogger logger)
    {
        if (cgroup is null)
            return;
        try
        {
            cgroup.Destroy();
        }
        catch (ContainmentException e)
        {
            logger.LogWarning(LogEvents.CleanupFailed, e, "Could not remove cgroup {Paths}", string.Join(", ", cgroup.Paths));
        }
        finally
        {
            cgroup.Dispose();
        }
    }

    /// <summary>
    /// A rootless host gets a cgroup only where one was delegated to it; otherwise the limits fail closed
    /// (<see cref="RootlessLimits.WithoutCgroup"/>) and the spec may gain an RLIMIT_NPROC.
    /// </summary>
    private static (CgroupHandle?, ContainerSpec) TryCreateDelegatedCgroup(CgroupManager manager, ContainerSpec spec, string id, bool allowUnenforced, ILogger logger)
    {
        try
        {
            var handle = manager.Create(spec.Cgroup!, id, spec.CgroupsPath);
            logger.LogInformation("Rootless: using the delegated cgroup {Paths}", string.Join(", ", handle.Paths));
            return (handle, spec);
        }
        catch (Exception e) when (e is ContainmentException or UnauthorizedAccessException or IOException)
        {
            return (null, RootlessLimits.WithoutCgroup(spec, allowUnenforced, e.Message, logger));
        }
    }

    /// <summary>The announcement of every directory the cgroup's creation may make (see <see cref="ExecutorChannel.AnnounceAsync"/>).</summary>
    internal static byte[] AnnounceCgroup(CgroupManager manager, string id, string? cgroupsPath)
    {
        var directories = manager.DirectoriesOf(id, cgroupsPath).ToList();
        if (directories.Count > ExecutorChannel.AnnouncedDirectoriesMax)
            throw new ContainerSpecException([new SpecError("cgroupsPath", $"'{cgroupsPath}' is nested too deeply: " +
                $"{directories.Count} directories across the mounted hierarchies, at most {ExecutorChannel.AnnouncedDirectoriesMax}")]);
        var announcement = new LaunchPlan();
        foreach (var directory in directories)
            announcement.OrphanRmdir(directory);
        return announcement.Encode();
    }

    private static async Task<(ExecutorMessage, SafeFileHandle?)?> ReceiveOrCancelled(ExecutorChannel channel, CancellationToken cancellationToken)
    {
        try
        {
            return await channel.ReceiveAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (cancellationToken.IsCancellationRequested && e is ObjectDisposedException or OperationCanceledException or System.Net.Sockets.SocketException)
        {
            channel.ReapInBackground();
            throw new OperationCanceledException(cancellationToken);
        }
    }

    private static void OpenJoinedNamespaces(NamespaceSet namespaces, LaunchInputs inputs)
    {
        var errors = new List<SpecError>();
        foreach (var (kind, setting) in namespaces.Settings)
        {
            if (setting is not NamespaceSetting.JoinNamespace join)
                continue;
            var field = $"namespaces.{kind.ToString().ToLowerInvariant()}";
            var fd = Libc.Open(join.Path, Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
            if (fd < 0)
            {
                errors.Add(new SpecError(field, $"open({join.Path}): {Errno.Name(Marshal.GetLastPInvokeError())}"));
                continue;
            }
            var handle = new SafeFileHandle(fd, ownsHandle: true);
            var type = Libc.Ioctl(fd, Libc.NS_GET_NSTYPE, 0);
            var actual = type < 0 ? null : NamespaceFlags.FromCloneFlag((ulong)type);
            if (actual != kind)
            {
                handle.Dispose();
                errors.Add(new SpecError(field, type < 0
                    ? $"'{join.Path}' is not a namespace file"
                    : $"'{join.Path}' is a {actual?.ToString().ToLowerInvariant() ?? "unknown"} namespace, not a {kind.ToString().ToLowerInvariant()} namespace"));
                continue;
            }
            inputs.JoinedNamespaces[kind] = handle;
        }
        if (errors.Count > 0)
        {
            DisposeInputs(inputs);
            throw new ContainerSpecException(errors);
        }
        if (inputs.JoinedNamespaces.TryGetValue(NamespaceKind.User, out var user))
            inputs.JoinedUserParent = NestedParent(user);
    }

    /// <summary>
    /// The parent of a joined user namespace when it is not the host's own: a container whose mounts were locked
    /// (<see cref="LaunchInputs.LockMounts"/>) runs in a nested user namespace, while its other namespaces belong to
    /// the outer one and are joined from there.
    /// </summary>
    private static SafeFileHandle? NestedParent(SafeHandle user)
    {
        var parent = Libc.Ioctl((int)user.DangerousGetHandle(), Libc.NS_GET_PARENT, 0);
        if (parent < 0)
            return null;
        var handle = new SafeFileHandle(parent, ownsHandle: true);
        var own = Libc.Open("/proc/self/ns/user", Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        using var ownHandle = new SafeFileHandle(own, ownsHandle: true);
        if (own >= 0 && Libc.SameInode(parent, own))
        {
            handle.Dispose();
            return null;
        }
        return handle;
    }

    private static void OpenStartFifo(string path, LaunchInputs inputs)
    {
        var fd = Libc.Open(path, Libc.O_PATH | Libc.O_CLOEXEC, 0);
        if (fd < 0)
            throw new ContainerSpecException([new SpecError("startFifo", $"open({path}): {Errno.Name(Marshal.GetLastPInvokeError())}")]);
        inputs.StartFifo = new SafeFileHandle(fd, ownsHandle: true);
        inputs.StartFifoPath = path;
    }

    private static void DisposeInputs(LaunchInputs inputs)
    {
        inputs.StartFifo?.Dispose();
        foreach (var h in inputs.Owned)
            h.Dispose();
        inputs.Owned.Clear();
        foreach (var h in inputs.JoinedNamespaces.Values)
            h.Dispose();
        inputs.JoinedNamespaces.Clear();
        inputs.JoinedUserParent?.Dispose();
        inputs.JoinedUserParent = null;
        inputs.MountSources?.Dispose();
        inputs.MountSources = null;
    }
}
