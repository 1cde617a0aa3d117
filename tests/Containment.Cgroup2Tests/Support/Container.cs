using Containment.Namespaces;

namespace Containment.Cgroup2Tests.Support;

/// <summary>Starts containers with <c>/bin/sh -c script</c> in a read-only view of the host, and captures their output.</summary>
public static class Container
{
    /// <summary>Generous: .NET and every syscall run 15–20× slower under emulation.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    public static ContainerSpec Shell(string script, Action<Cgroups.CgroupBuilder> limits) =>
        ContainerSpec.HostReadOnly().WithCgroup(limits).WithProcess(p => p.Args("/bin/sh", "-c", script));

    /// <summary>The same, sharing the host's pid namespace: the kernel (not a namespace's teardown) must stop every process.</summary>
    public static ContainerSpec ShellInHostPids(string script, Action<Cgroups.CgroupBuilder> limits) =>
        Shell(script, limits).WithNamespaces(n => n.Without(NamespaceKind.Pid));

    public static async Task<(ContainerExit Exit, string Stdout, string Stderr)> RunToCompletion(ContainerSpec spec, ContainerStartOptions? options = null)
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var c = await ContainerProcess.StartAsync(spec, options ?? new(), cts.Token);
        var stdout = c.StandardOutput!.ReadToEndAsync(cts.Token);
        var stderr = c.StandardError!.ReadToEndAsync(cts.Token);
        var exit = await c.WaitForExitAsync(cts.Token);
        return (exit, await stdout, await stderr);
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <see cref="Timeout"/> passes.</summary>
    public static async Task<bool> Eventually(Func<bool> condition, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? Timeout);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(50);
        }
        return true;
    }

    /// <summary>Counts the bytes a stream delivers, in the background, until it ends.</summary>
    public sealed class ByteCounter
    {
        private long count;

        public ByteCounter(Stream stream) => Completion = Task.Run(async () =>
        {
            var buffer = new byte[4096];
            int n;
            while ((n = await stream.ReadAsync(buffer)) > 0)
            {
                Interlocked.Add(ref count, n);
            }
        });

        public long Count => Interlocked.Read(ref count);
        public Task Completion { get; }
    }
}
