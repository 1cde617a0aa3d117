using Containment.Cgroups;
using Containment.Identity;
using Containment.Interop;
using Containment.Namespaces;
using Microsoft.Win32.SafeHandles;

namespace Containment.Launch;

/// <summary>
/// On cgroup v1 (and hybrid) hosts the container's cgroup is created after the plan is sent: the host makes and
/// configures its directories while the executor clones the child and the child mounts, and the monitor joins the
/// child once their cgroup.procs files arrive (<see cref="PlanOp.CgroupJoin"/>), before anything runs in it. The
/// monitor first warms the threadgroup lock (see <see cref="OpenWarmer"/>), so that the grace period passes meanwhile too.
/// </summary>
internal static class CgroupLateJoin
{
    /// <summary>
    /// Not on pure v2 (clone3 puts the child straight into a directory that must exist), not rootless (whether a
    /// delegated cgroup exists is known only by trying), and not when the child's mounts bind the container's own cgroup
    /// directories (a cgroup mount without a cgroup namespace): those must exist before the child mounts.
    /// </summary>
    public static bool Applies(CgroupManager manager, ContainerSpec spec) =>
        manager.Mode != CgroupMode.Unified && manager.Layout.V1.Count > 0 && !Rootless.IsRootless &&
        (spec.Namespaces.IsNew(NamespaceKind.Cgroup) || !spec.Filesystem.Mounts.Any(m => m.Type == "cgroup"));

    /// <summary>
    /// The host's own cgroup.procs in its first v1 hierarchy, opened for writing: the monitor (the host's child, so in
    /// the same cgroup) writes its own pid there, a move to where it already is. On v1 the first cgroup.procs write
    /// after a quiet spell waits for an RCU grace period (3–20 ms) and writes within about one grace period after it do
    /// not. Null when it cannot be opened: the warm-up is only an optimisation.
    /// </summary>
    public static SafeFileHandle? OpenWarmer(CgroupLayout layout)
    {
        var hierarchy = layout.V1.FirstOrDefault(h => h.MountRoot == "/" && h.OwnPath.StartsWith('/'));
        if (hierarchy is null)
            return null;
        var path = hierarchy.MountPoint.TrimEnd('/') + hierarchy.OwnPath.TrimEnd('/') + "/cgroup.procs";
        var fd = Libc.Open(path, Libc.O_WRONLY | Libc.O_CLOEXEC | Libc.O_NOFOLLOW, 0);
        return fd < 0 ? null : new SafeFileHandle(fd, ownsHandle: true);
    }
}
