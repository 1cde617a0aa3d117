using Containment.Cgroups;
using Containment.Identity;

namespace Containment.Launch;

/// <summary>
/// On cgroup v1 (and hybrid) hosts the child joins its cgroup itself, as its first step: the host creates the cgroup
/// before the plan and hands over each v1 directory's <c>tasks</c> file, and the child writes "0" (the calling thread)
/// to each (<see cref="PlanOp.CgroupJoinSelf"/>). A <c>cgroup.procs</c> write, or any write of a pid, takes the kernel's
/// threadgroup lock for writing, which after a quiet spell waits for an RCU grace period (6–16 ms here) while holding
/// <c>cgroup_mutex</c>; moving the writing thread alone takes no such lock (0.1 ms for 8 hierarchies), and the child is
/// single-threaded, so its thread is the process. A hybrid host's v2 leaf, when one is made, takes the child at its clone
/// (<c>CLONE_INTO_CGROUP</c>), which takes no such lock either.
/// </summary>
internal static class CgroupSelfJoin
{
    /// <summary>
    /// Not on pure v2 (clone3 puts the child into its cgroup), and not rootless (whether a delegated cgroup exists is
    /// known only by trying; the monitor writes the child's pid there).
    /// </summary>
    public static bool Applies(CgroupManager manager) =>
        manager.Mode != CgroupMode.Unified && manager.Layout.V1.Count > 0 && !Rootless.IsRootless;
}
