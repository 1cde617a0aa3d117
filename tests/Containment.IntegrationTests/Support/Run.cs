namespace Containment.IntegrationTests.Support;

/// <summary>Runs a container to completion and captures what it printed.</summary>
public static class Run
{
    public sealed record Result(ContainerExit Exit, string Stdout, string Stderr);

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static async Task<Result> ToCompletion(ContainerSpec spec, ContainerStartOptions? options = null)
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var c = await ContainerProcess.StartAsync(spec, options ?? new(), cts.Token);
        var stdout = c.StandardOutput?.ReadToEndAsync(cts.Token) ?? Task.FromResult("");
        var stderr = c.StandardError?.ReadToEndAsync(cts.Token) ?? Task.FromResult("");
        var exit = await c.WaitForExitAsync(cts.Token);
        return new Result(exit, await stdout, await stderr);
    }

    /// <summary>Runs <c>sh -c script</c> in a read-only host view.</summary>
    public static Task<Result> Shell(string script, Func<ContainerSpec, ContainerSpec>? configure = null)
    {
        var spec = ContainerSpec.HostReadOnly().WithProcess(p => p.Args("/bin/sh", "-c", script));
        return ToCompletion(configure is null ? spec : configure(spec));
    }
}
