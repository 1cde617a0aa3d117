using System.Diagnostics;
using System.Runtime.InteropServices;
using Containment.Cgroups;
using Containment.Interop;
using Containment.Launch;
using Containment.Namespaces;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using static Containment.Launch.LinuxConstants;

namespace Containment.Checkpoint;

/// <summary>
/// Restores a checkpoint through <c>criu swrk</c>, as runc does: the container's cgroup is created first (with the
/// spec's limits) and given to CRIU as the cgroup root; the rootfs is bind-mounted where CRIU mounts the restored root
/// from; bind mounts are mapped back to their host sources; the new standard streams replace the checkpointed ones
/// (inherit_fd); the restored tree becomes this process's child (rst_sibling). A failure removes all of it.
/// </summary>
internal static class CriuRestore
{
    private const string LogFile = "restore.log";

    public static async Task<ContainerProcess> RunAsync(ContainerSpec spec, RestoreOptions restore, ContainerStartOptions options, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var logger = options.LoggerFor("Container");
        var imagePath = Path.GetFullPath(restore.ImagePath);
        var workPath = Path.GetFullPath(restore.WorkPath ?? restore.ImagePath);
        var errors = new List<SpecError>();
        if (spec.Rootfs is not RootfsSpec.Directory rootfs)
            errors.Add(new SpecError("rootfs", "a restored container needs a rootfs directory (FromRootfs): CRIU mounts the restored root from it"));
        else if (!Directory.Exists(rootfs.Path))
            errors.Add(new SpecError("rootfs", $"the rootfs '{rootfs.Path}' does not exist"));
        if (spec.Process.Terminal is not null)
            errors.Add(new SpecError("process.terminal", "restoring a container with a terminal is not supported"));
        if (!File.Exists(Path.Combine(imagePath, "inventory.img")))
            errors.Add(new SpecError("imagePath", $"'{imagePath}' holds no checkpoint (no inventory.img)"));
        if (options.Id is not null && Oci.ContainerId.Problem(options.Id) is { } idProblem)
            errors.Add(new SpecError("id", idProblem));
        if (errors.Count > 0)
            throw new ContainerSpecException(errors);
        Directory.CreateDirectory(workPath);

        var started = Stopwatch.GetTimestamp();
        var id = options.Id ?? Guid.NewGuid().ToString("N")[..16];
        var registration = LiveContainers.Register(id);
        CgroupHandle? cgroup = null;
        LaunchStreams? streams = null;
        string? root = null;
        var pid = 0;
        try
        {
            using var images = CriuDirectory.Open(imagePath, "image path");
            using var work = CriuDirectory.Open(workPath, "work path");
            // The device allow list a start gives the cgroup (runc's defaults appended: mknod of any node, which CRIU needs
            // to restore a tmpfs /dev inside the container's cgroup).
            if (DeviceGuard.Apply(spec).Spec.Cgroup is { } cgroupSpec)
            {
                var manager = CgroupManager.Detect(options.LoggerFor("Cgroups"));
                registration.Claim(manager.DirectoriesOf(id, spec.CgroupsPath).Where(d => d.IsLeaf).Select(d => d.Path));
                cgroup = manager.Create(cgroupSpec, id, spec.CgroupsPath);
            }
            root = MountRoot(((RootfsSpec.Directory)spec.Rootfs).Path);
            var inputs = new LaunchInputs();
            streams = LaunchStreams.Open(spec.Process, inputs, options.UnreadOutputLimit, logger, id);
            var keys = StdioKeys.Load(imagePath);
            var criuOptions = new CriuOptions
            {
                ImagesDirFd = (int)images.DangerousGetHandle(),
                WorkDirFd = (int)work.DangerousGetHandle(),
                LogFile = LogFile,
                Root = root,
                RestoreSibling = true,
                TcpEstablished = restore.TcpEstablished,
                ShellJob = restore.ShellJob,
                FileLocks = restore.FileLocks,
                ManageCgroupsMode = (int)restore.ManageCgroupsMode,
                CgroupRoots = cgroup is null ? [] : CgroupRoots.Of(cgroup.Paths),
                ExternalMounts = spec.Filesystem.Mounts.Where(m => m.IsBind).Select(m => (m.Destination, Path.GetFullPath(m.Source))).ToList(),
                InheritFds = Enumerable.Range(0, 3).Where(i => keys[i] is not null).Select(i => (keys[i]!, i)).ToList(),
                JoinNamespaces = JoinedNamespaces(spec.Namespaces),
            };
            var request = CriuRequest.Create(CriuRequestType.Restore, criuOptions);
            CriuResponse response;
            using (var criu = CriuSwrk.Start(inputs.Stdio))
            {
                streams.Dispose(); // CRIU holds the container's ends now
                response = await criu.CallAsync(request, null, cancellationToken).ConfigureAwait(false);
            }
            if (!response.Success || response.RestoredPid is not > 0)
                throw CriuDirectory.Failure($"restore of container {id} from {imagePath} failed", response, workPath, LogFile);
            pid = response.RestoredPid.Value;
            var pidfd = Libc.Syscall(Libc.SYS_pidfd_open, pid, 0, 0, 0);
            if (pidfd < 0)
                throw SyscallException.FromLastError("pidfd_open", $"restored pid {pid}");
            cgroup?.ContainerJoined();
            UnmountRoot(root);
            root = null;
            logger.LogInformation(LogEvents.Restored, "Container {Id} restored from {Path}: pid {Pid} in {Ms:F1} ms", id, imagePath, pid,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return new ContainerProcess(id, null, pid, new SafeFileHandle((IntPtr)pidfd, ownsHandle: true), streams, null, cgroup, null,
                options.Detached, logger, spec, 0, registration);
        }
        catch (Exception e)
        {
            if (pid > 0)
                KillAndReap(pid);
            streams?.Dispose();
            streams?.DisposeHostEnds();
            if (root is not null)
                UnmountRoot(root);
            Launcher.DestroyCgroup(cgroup, logger);
            registration.Dispose();
            if (e is CheckpointException c)
                logger.LogWarning(LogEvents.StartFailed, "Container {Id} could not be restored: {Message}", id, c.Message);
            throw;
        }
    }

    /// <summary>The rootfs bound (recursively, privately) onto a directory of its own: CRIU mounts the restored root from a mount point.</summary>
    private static string MountRoot(string rootfs)
    {
        var root = Directory.CreateTempSubdirectory("containment-criu-root-").FullName;
        if (Libc.Mount(rootfs, root, null, MS_BIND | MS_REC, null) < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            Directory.Delete(root);
            throw new SyscallException("mount", $"bind {rootfs} on {root}", errno);
        }
        if (Libc.Mount("", root, null, MS_PRIVATE | MS_REC, null) < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            UnmountRoot(root);
            throw new SyscallException("mount", $"make {root} rprivate", errno);
        }
        return root;
    }

    private static void UnmountRoot(string root)
    {
        Libc.Umount2(root, Libc.MNT_DETACH);
        try
        {
            Directory.Delete(root);
        }
        catch (IOException)
        {
        }
    }

    private static IReadOnlyList<(string Ns, string File)> JoinedNamespaces(NamespaceSet namespaces) =>
        namespaces.Settings
            .Where(s => s.Value is NamespaceSetting.JoinNamespace && s.Key is NamespaceKind.Network or NamespaceKind.Ipc or NamespaceKind.Uts)
            .Select(s => (s.Key switch { NamespaceKind.Network => "net", NamespaceKind.Ipc => "ipc", _ => "uts" }, ((NamespaceSetting.JoinNamespace)s.Value).Path))
            .ToList();

    private static unsafe void KillAndReap(int pid)
    {
        Libc.Kill(pid, Libc.SIGKILL);
        int status;
        while (Libc.WaitPid(pid, &status, 0) < 0 && Marshal.GetLastPInvokeError() == Errno.EINTR)
        {
        }
    }
}
