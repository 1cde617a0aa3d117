using Containment.Interop;
using Containment.Launch;
using Microsoft.Win32.SafeHandles;

namespace Containment.Checkpoint;

/// <summary>A checkpoint (dump or pre-dump) of a running container through <c>criu swrk</c>.</summary>
internal static class CriuCheckpoint
{
    public static async Task RunAsync(ContainerProcess container, CheckpointOptions options, string? frozenCgroup, CancellationToken cancellationToken)
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
            keys = StdioKeys.Read(container.Pid);
            StdioKeys.Write(imagePath, keys);
        }
        var criuOptions = new CriuOptions
        {
            ImagesDirFd = (int)images.DangerousGetHandle(),
            WorkDirFd = (int)work.DangerousGetHandle(),
            Pid = container.Pid,
            LeaveRunning = options.LeaveRunning || options.PreDump,
            TcpEstablished = options.TcpEstablished,
            ShellJob = options.ShellJob,
            FileLocks = options.FileLocks,
            LogFile = logFile,
            ParentImage = options.ParentPath,
            TrackMemory = options.PreDump,
            ManageCgroupsMode = (int)options.ManageCgroupsMode,
            // The spec's bind mounts come from the host: CRIU records them by their destination, restore maps them back.
            ExternalMounts = container.Spec.Filesystem.Mounts.Where(m => m.IsBind).Select(m => (m.Destination, m.Destination)).ToList(),
            External = keys.Where(k => k is not null && k.StartsWith("file[", StringComparison.Ordinal)).Select(k => k!).ToList(),
            FreezeCgroup = frozenCgroup,
        };
        var request = CriuRequest.Create(options.PreDump ? CriuRequestType.PreDump : CriuRequestType.Dump, criuOptions);
        using var devNull = CriuDirectory.OpenNull();
        using var criu = CriuSwrk.Start([devNull, devNull, devNull]);
        var response = await criu.CallAsync(request, null, cancellationToken).ConfigureAwait(false);
        if (!response.Success)
            throw CriuDirectory.Failure($"checkpoint of container {container.Id} (pid {container.Pid}) to {imagePath} failed", response, workPath, logFile);
    }
}
