namespace Containment.Runtime.Commands;

/// <summary>
/// <c>create --dry-run</c> / <c>run --dry-run</c>: prints every step the start would perform (ContainerProcess.Preview)
/// and creates nothing: no state directory, no start FIFO, no cgroup, no process.
/// </summary>
internal static class DryRun
{
    public static int Print(Runtime runtime, string id, LoadedBundle bundle, bool gated)
    {
        var options = runtime.StartOptions with { Id = id };
        if (gated)
            options = options with { Detached = true, StartFifo = runtime.FifoOf(id) };
        foreach (var step in ContainerProcess.Preview(bundle.Spec, options))
            Console.WriteLine(step);
        return 0;
    }
}
