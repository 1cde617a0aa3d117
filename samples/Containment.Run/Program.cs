using Containment;
using Containment.Run;

// containment-run [options] -- COMMAND [ARGS...]
// Runs COMMAND in a new container, streams its output, exits with its exit code (128+signal if killed).
DiagnosticsOff.EnsureOrRestart(args);
RunOptions options;
try
{
    options = RunOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"containment-run: {e.Message}");
    Console.Error.WriteLine(RunOptions.Usage);
    return 2;
}
if (options.ShowHelp)
{
    Console.WriteLine(RunOptions.Usage);
    return 0;
}

if (options.ExplainSyscall is not null || options.DryRun)
{
    try
    {
        if (options.ExplainSyscall is { } syscall)
            Console.WriteLine(RunOptions.Explain(options.ToSpec(), syscall));
        else
            foreach (var step in ContainerProcess.Preview(options.ToSpec(), new ContainerStartOptions { AllowUnenforcedLimits = options.AllowUnenforcedLimits }))
                Console.WriteLine(step);
        return 0;
    }
    catch (Exception e) when (e is ArgumentException or ContainmentException or IOException)
    {
        var message = e is ArgumentException { ParamName: { } name } ? e.Message.Replace($" (Parameter '{name}')", "") : e.Message;
        Console.Error.WriteLine($"containment-run: {message}");
        return 2;
    }
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
try
{
    var startOptions = new ContainerStartOptions { Logger = new WarningLogger(), AllowUnenforcedLimits = options.AllowUnenforcedLimits };
    await using var container = await ContainerProcess.StartAsync(options.ToSpec(), startOptions, cancel.Token);
    if (container.Network is { } network)
        Console.Error.WriteLine($"containment-run: network {network.Network.Name}: {string.Join(", ", network.Result.Ips)}");
    var limits = options.Limits;
    var result = await container.RunToCompletionAsync(new ContainerRunOptions
    {
        Timeout = limits.Timeout,
        OutputLimit = limits.OutputLimit ?? int.MaxValue,
    }, cancel.Token);
    Console.Out.Write(result.StandardOutput);
    Console.Error.Write(result.StandardError);
    var exit = result.Exit;
    if (options.Cgroup.Stats && container.Cgroup is { } cgroup)
        Console.Error.WriteLine(StatsJson.Format(cgroup.GetStats()));
    if (result.TimedOut)
        Console.Error.WriteLine($"containment-run: timed out after {limits.Timeout!.Value.TotalSeconds:0.###} s: {exit}");
    else if (exit.Signal is not null || exit.OomKills > 0)
        Console.Error.WriteLine($"containment-run: {exit}");
    if (limits.Report)
        Console.Error.WriteLine($"containment-run: {RunLimits.Format(result)}");
    return result.TimedOut ? 124 : exit.ShellCode;
}
catch (ContainmentException e)
{
    Console.Error.WriteLine($"containment-run: {e.Message}");
    return 125;
}
catch (OperationCanceledException)
{
    return 130;
}
