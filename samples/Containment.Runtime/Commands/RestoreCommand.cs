using Containment.Checkpoint;
using Containment.Oci;

namespace Containment.Runtime.Commands;

/// <summary>
/// <c>restore [options] ID</c>: runc's. The bundle's config (its rootfs, mounts and cgroup) and the checkpoint in
/// --image-path make a running container under ID: recorded as running, its pid in --pid-file. Detached, it returns at
/// once (the restored process is left to the caller's subreaper); otherwise it waits, deletes the container and exits
/// with its code, as <c>run</c> does.
/// </summary>
internal static class RestoreCommand
{
    public static async Task<int> RunAsync(Runtime runtime, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        // Podman decides whether a runtime can checkpoint by `RUNTIME checkpoint --help` exiting 0.
        if (args.Count > 0 && args[0] is "--help" or "-h")
        {
            Console.WriteLine(string.Join('\n', Usage.Text.Split('\n').SkipWhile(l => !l.TrimStart().StartsWith("restore ", StringComparison.Ordinal)).Take(2)));
            return 0;
        }
        var a = Args.Parse(args, ["bundle|b", "image-path", "work-path", "manage-cgroups-mode", "pid-file", "console-socket", "empty-ns", "lsm-profile", "lsm-mount-context"],
            ["tcp-established", "ext-unix-sk", "shell-job", "file-locks", "detach|d", "no-subreaper", "no-pivot", "auto-dedup", "lazy-pages"]);
        var id = a.Id("restore");
        var detach = a.Has("detach");
        if (a.Value("console-socket") is not null)
            throw new CliException("restore with a terminal (--console-socket) is not supported");
        var bundle = CreateCommand.Load(runtime, a, foreground: !detach);
        if (runtime.Store.Exists(id))
            throw new CliException($"container with id \"{id}\" already exists");
        var restore = new RestoreOptions
        {
            ImagePath = Path.GetFullPath(a.Value("image-path") ?? "checkpoint"),
            WorkPath = a.Value("work-path") is { } work ? Path.GetFullPath(work) : null,
            TcpEstablished = a.Has("tcp-established"),
            FileLocks = a.Has("file-locks"),
            ShellJob = a.Has("shell-job"),
            ManageCgroupsMode = CheckpointCommand.CgroupsMode(a.Value("manage-cgroups-mode")),
        };
        var record = new ContainerRecord
        {
            Id = id, Bundle = bundle.Path, Status = OciStatus.Creating, Created = DateTimeOffset.UtcNow, Annotations = bundle.Config.Annotations,
        };
        ContainerProcess container;
        using (var guard = runtime.Store.Create(record))
        {
            try
            {
                container = await ContainerProcess.RestoreAsync(bundle.Spec, restore, runtime.StartOptions with { Id = id, Detached = detach }, cancellationToken);
            }
            catch
            {
                guard.Delete();
                throw;
            }
            var data = new Dictionary<string, string> { ["cgroupPaths"] = string.Join('\n', container.Cgroup?.Paths ?? []) };
            if (bundle.Config.Linux?.CgroupsPath is { } cgroupsPath)
                data[Runtime.CgroupsPathKey] = cgroupsPath;
            record = (ProcessIdentity.Of(container.Pid) is { } process ? record.WithProcess(process) : record with { Pid = container.Pid }) with
            {
                Status = OciStatus.Running,
                RuntimeData = data,
            };
            guard.Save(record);
        }
        await ContainerOps.WritePidFileAsync(a.Value("pid-file"), container.Pid);
        if (detach)
        {
            await container.DisposeAsync(); // detached: the process and its cgroup stay; the state says running
            return 0;
        }
        try
        {
            var exit = await container.WaitForExitAsync(cancellationToken);
            return exit.ShellCode;
        }
        finally
        {
            await container.DisposeAsync();
            await DeleteCommand.DeleteAsync(runtime, id, force: true, CancellationToken.None, bundle.Config);
        }
    }
}
