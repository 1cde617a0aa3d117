namespace Containment.Checkpoint;

/// <summary>A checkpoint (dump or pre-dump) of a running container through <c>criu swrk</c>.</summary>
internal static class CriuCheckpoint
{
    /// <summary>Checkpoints the tree of <paramref name="pid"/> (container <paramref name="id"/>); <paramref name="bindDestinations"/>: where its spec bind-mounts host paths.</summary>
    public static async Task RunAsync(int pid, string id, IEnumerable<string> bindDestinations, CheckpointOptions options, string? frozenCgroup,
        CancellationToken cancellationToken)
    {
        var imagePath = Path.GetFullPath(options.ImagePath);
        var workPath = Path.GetFullPath(options.WorkPath ?? options.ImagePath);
        Directory.CreateDirectory(imagePath);
        Directory.CreateDirectory(workPath);
        using var images = CriuDirectory.Open(imagePath, "image path");
        using var work = CriuDirectory.Open(workPath, "work path");
        var logFile = options.PreDump ? "pre-dump.log" : "dump.log";
        string?[] keys = [null, null, null];
        if (!options.PreDump)
        {
            keys = StdioKeys.Read(pid);
            StdioKeys.Write(imagePath, keys);
        }
        var criuOptions = new CriuOptions
        {
            ImagesDirFd = (int)images.DangerousGetHandle(),
            WorkDirFd = (int)work.DangerousGetHandle(),
            Pid = pid,
            LeaveRunning = options.LeaveRunning || options.PreDump,
            TcpEstablished = options.TcpEstablished,
            ShellJob = options.ShellJob,
            FileLocks = options.FileLocks,
            LogFile = logFile,
            ParentImage = options.ParentPath,
            TrackMemory = options.PreDump,
            ManageCgroupsMode = (int)options.ManageCgroupsMode,
            // The spec's bind mounts come from the host: CRIU records them by their destination, restore maps them back.
            ExternalMounts = bindDestinations.Select(d => (d, d)).ToList(),
            External = keys.Where(k => k is not null && k.StartsWith("file[", StringComparison.Ordinal)).Select(k => k!).ToList(),
            FreezeCgroup = frozenCgroup,
        };
        var request = CriuRequest.Create(options.PreDump ? CriuRequestType.PreDump : CriuRequestType.Dump, criuOptions);
        using var devNull = CriuDirectory.OpenNull();
        using var criu = CriuSwrk.Start([devNull, devNull, devNull]);
        var response = await criu.CallAsync(request, null, cancellationToken).ConfigureAwait(false);
        if (!response.Success)
            throw CriuDirectory.Failure($"checkpoint of container {id} (pid {pid}) to {imagePath} failed", response, workPath, logFile);
    }
}
