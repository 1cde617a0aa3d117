using Containment.Launch;

namespace Containment.Mounts;

/// <summary>The executor ops that build the host view's root (src/native/executor/hostview.c).</summary>
internal static class HostViewOps
{
    public static void RootTmpfs(this LaunchPlan plan, uint mode, long size, ulong attrs) =>
        plan.Op(PlanOp.RootTmpfs, "mount", "tmpfs root of the host view, stacked on /").U32(mode).U64((ulong)size).U64(attrs).End();

    public static void BindHost(this LaunchPlan plan, string source, string target, uint targetFlags, uint mode, ulong recursiveSet,
        ulong propagation, bool propagationRecursive) =>
        plan.Op(PlanOp.BindHost, "mount", $"bind host {source} on {target}")
            .Str(source).Str(target).U32(targetFlags).U32(mode).U64(recursiveSet).U64(propagation).U32(propagationRecursive ? 1u : 0u).End();
}
