using Containment.Interop;
using Containment.Mounts;

namespace Containment.Launch;

/// <summary>
/// Turns a failed plan step into a <see cref="ContainerStartException"/> in the user's terms: a mount is named by its
/// destination and its index among the spec's own mounts (not the library's standard ones), and a read-only root
/// refusing a new mount point says so and what to do.
/// </summary>
internal static class StartFailure
{
    public static ContainerStartException Describe(LaunchPlan plan, ExecutorMessage message, ContainerSpec spec)
    {
        var step = plan.Describe(message.Step);
        if (step is null)
            return new ContainerStartException(message.Step, "executor",
                message.Errno == Errno.ECHILD ? "the container's init died during setup" : "launch plan", message.Errno);
        if (ResourceHint(step, message.Errno) is { } resourceHint)
            return new ContainerStartException(message.Step, step.Syscall, step.Subject, message.Errno, resourceHint);
        if (step.Syscall != "mount" || Destination(step.Subject) is not { } destination)
            return new ContainerStartException(message.Step, step.Syscall, step.Subject, message.Errno);
        var subject = step.Subject + MountIndex(spec.Filesystem, destination);
        return new ContainerStartException(message.Step, step.Syscall, subject, message.Errno, Hint(spec, destination, message.Errno));
    }

    /// <summary>The destination of a mount step's subject (<c>bind /srv on /data</c>, <c>tmpfs on /scratch</c>), or null.</summary>
    private static string? Destination(string subject)
    {
        var on = subject.LastIndexOf(" on ", StringComparison.Ordinal);
        if (on < 0)
            return null;
        var destination = subject[(on + 4)..];
        var space = destination.IndexOf(' ');
        return space < 0 ? destination : destination[..space];
    }

    /// <summary><c>, your mount N</c> for a mount the user asked for; <c>, a standard mount</c> for one of the library's.</summary>
    private static string MountIndex(FilesystemSpec fs, string destination)
    {
        var mounts = fs.Mounts;
        var standard = mounts.Length >= FilesystemSpec.DefaultMounts.Length
            && mounts.Take(FilesystemSpec.DefaultMounts.Length).SequenceEqual(FilesystemSpec.DefaultMounts) ? FilesystemSpec.DefaultMounts.Length : 0;
        for (var i = mounts.Length - 1; i >= 0; i--)
            if (mounts[i].Destination.TrimEnd('/') == destination.TrimEnd('/'))
                return i >= standard ? $", your mount {i - standard}" : ", a standard mount";
        return "";
    }

    /// <summary>
    /// Raising a hard rlimit above the caller's, or lowering oom_score_adj, needs CAP_SYS_RESOURCE in the host's user
    /// namespace: a host (or a sandbox) whose bounding set lacks it cannot start such a container, under runc either.
    /// </summary>
    private static string? ResourceHint(PlanStep step, int errno)
    {
        var raisesLimit = step.Syscall is "setrlimit" or "prlimit" && errno == Errno.EPERM;
        var lowersOomScore = step.Subject.EndsWith("/oom_score_adj", StringComparison.Ordinal) && errno == Errno.EACCES;
        if (!raisesLimit && !lowersOomScore)
            return null;
        var what = raisesLimit ? "raising a hard limit above this process's own" : "lowering oom_score_adj below this process's own";
        return Identity.HostCredentials.HasEffective(Capabilities.Capability.SysResource)
            ? $"{what} needs CAP_SYS_RESOURCE in the host's user namespace (not the container's){(raisesLimit ? "; RLIMIT_NOFILE also stops at fs.nr_open" : "")}"
            : $"{what} needs CAP_SYS_RESOURCE, which this process does not have (runc fails the same way)";
    }

    private static string? Hint(ContainerSpec spec, string destination, int errno)
    {
        if (errno != Errno.EROFS)
            return null;
        var root = spec.Rootfs is RootfsSpec.HostReadOnly ? "the read-only view of the host (ContainerSpec.HostReadOnly)"
            : spec.Filesystem.ReadOnlyRootfs ? "read-only (WithReadOnlyRootfs)" : "on a read-only filesystem";
        return $"the container's root is {root}, so the mount point {destination} cannot be created there; " +
               "mount at a path that exists in the root, or under a writable mount such as /tmp, or use a writable root";
    }
}
