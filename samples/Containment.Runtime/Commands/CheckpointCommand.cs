using Containment.Checkpoint;
using Containment.Oci;

namespace Containment.Runtime.Commands;

/// <summary>
/// <c>checkpoint [options] ID</c>: runc's, through CRIU (<c>criu swrk</c>). Unless --leave-running or --pre-dump, the
/// checkpointed container is then gone, and it is deleted as runc deletes it; <c>restore</c> brings it back.
/// </summary>
internal static class CheckpointCommand
{
    public static async Task<int> RunAsync(Runtime runtime, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        // Podman decides whether a runtime can checkpoint by `RUNTIME checkpoint --help` exiting 0.
        if (args.Count > 0 && args[0] is "--help" or "-h")
        {
            Console.WriteLine(string.Join('\n', Usage.Text.Split('\n').SkipWhile(l => !l.TrimStart().StartsWith("checkpoint ", StringComparison.Ordinal)).Take(2)));
            return 0;
        }
        var a = Args.Parse(args, ["image-path", "work-path", "parent-path", "manage-cgroups-mode", "page-server", "empty-ns", "status-fd"],
            ["leave-running", "tcp-established", "ext-unix-sk", "shell-job", "lazy-pages", "file-locks", "pre-dump", "auto-dedup"]);
        var id = a.Id("checkpoint");
        var options = new CheckpointOptions
        {
            ImagePath = Path.GetFullPath(a.Value("image-path") ?? "checkpoint"), // runc's default: ./checkpoint
            WorkPath = a.Value("work-path") is { } work ? Path.GetFullPath(work) : null,
            LeaveRunning = a.Has("leave-running"),
            TcpEstablished = a.Has("tcp-established"),
            FileLocks = a.Has("file-locks"),
            ShellJob = a.Has("shell-job"),
            PreDump = a.Has("pre-dump"),
            ParentPath = a.Value("parent-path"),
            ManageCgroupsMode = CgroupsMode(a.Value("manage-cgroups-mode")),
        };
        OciConfig config;
        using (var guard = runtime.Lock(id))
        {
            var record = guard.Load();
            var status = Runtime.StatusOf(record);
            if (status is not (OciStatus.Running or OciStatus.Paused) || record.Process is not { } init)
                throw new CliException($"container {id} is not running: {status.ToString().ToLowerInvariant()}");
            config = OciConfig.LoadBundle(record.Bundle);
            var spec = OciSpecConverter.ToContainerSpec(config, record.Bundle, runtime.Log);
            var paths = ContainerOps.CgroupPaths(record);
            // A paused container is dumped frozen: CRIU takes the frozen cgroup as it is (runc's freeze_cgroup).
            var frozen = status == OciStatus.Paused ? paths.FirstOrDefault(p => p.Contains("/freezer/", StringComparison.Ordinal)) ?? paths.FirstOrDefault() : null;
            await CriuCheckpoint.RunAsync(init.Pid, id, spec.Filesystem.Mounts.Where(m => m.IsBind).Select(m => m.Destination), options, frozen, cancellationToken);
        }
        if (!options.LeaveRunning && !options.PreDump)
            await DeleteCommand.DeleteAsync(runtime, id, force: true, cancellationToken, config);
        return 0;
    }

    /// <summary>runc's --manage-cgroups-mode values.</summary>
    public static CriuCgroupMode CgroupsMode(string? value) => value switch
    {
        null or "soft" => CriuCgroupMode.Soft,
        "full" => CriuCgroupMode.Full,
        "strict" => CriuCgroupMode.Strict,
        "ignore" => CriuCgroupMode.Ignore,
        _ => throw new CliException($"invalid --manage-cgroups-mode \"{value}\" (soft, full, strict or ignore)"),
    };
}
