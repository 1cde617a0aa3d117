using BenchmarkDotNet.Attributes;
using Containment.Namespaces;

namespace Containment.Benchmarks;

/// <summary>Start to exit of /bin/true through the library, from a warm host.</summary>
[MemoryDiagnoser]
public class StartBenchmarks
{
    private ContainerSpec _hostView = null!;
    private ContainerSpec _rootfs = null!;
    private string? _rootfsDir;

    [GlobalSetup]
    public void Setup()
    {
        var quiet = (ProcessBuilder p) => p.Args("/bin/true").StandardOutput(Stdio.Null).StandardError(Stdio.Null);
        _hostView = ContainerSpec.HostReadOnly().WithProcess(p => quiet(p));
        _rootfsDir = BusyboxRootfs.Create();
        _rootfs = ContainerSpec.FromRootfs(_rootfsDir)
            .WithNamespaces(NamespaceSet.Isolated.Without(NamespaceKind.Cgroup))
            .WithProcess(p => quiet(p));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_rootfsDir is not null)
            Directory.Delete(_rootfsDir, recursive: true);
    }

    [Benchmark(Description = "busybox rootfs, pid+mnt+uts+ipc+net")]
    public Task<ContainerExit> Rootfs() => RunAsync(_rootfs);

    [Benchmark(Description = "host read-only view, isolated")]
    public Task<ContainerExit> HostReadOnly() => RunAsync(_hostView);

    private static readonly ContainerStartOptions Default = new();

    /// <summary>Cgroups prepared ahead of need (<see cref="ContainerStartOptions.PrepareCgroups"/>).</summary>
    internal static readonly ContainerStartOptions Prepared = new() { PrepareCgroups = true };

    internal static async Task<ContainerExit> RunAsync(ContainerSpec spec, ContainerStartOptions? options = null)
    {
        await using var c = await ContainerProcess.StartAsync(spec, options ?? Default);
        return await c.WaitForExitAsync();
    }
}
