namespace Containment.Launch;

/// <summary>The executor op of <see cref="ContainerSpec.Init"/> (src/native/executor/init.c).</summary>
internal static class InitOps
{
    /// <summary>The child forks: it stays as the container's init, the program goes on to its exec.</summary>
    public static void Init(this LaunchPlan plan) =>
        plan.Op(PlanOp.Init, "fork", "the init (PID 1), the program its child").End();
}
