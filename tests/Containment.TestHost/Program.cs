using Containment;
using Microsoft.Extensions.Logging;

// Containment.TestHost COMMAND [ARGS...]
// Starts COMMAND in a HostReadOnly container, prints "pid N" once it runs, then "exit <shell code>".
// Used by tests that kill the host, or run it as PID 1 of a new pid namespace, or run it as an unprivileged user.
// Environment (optional):
//   CONTAINMENT_TESTHOST_ROOTFS=DIR        use DIR as the root filesystem instead of the host's, read-only
//   CONTAINMENT_TESTHOST_USERNS=root       a user namespace mapping the caller to root
//   CONTAINMENT_TESTHOST_USERNS=subids     ... and container ids 1… to the caller's /etc/subuid, /etc/subgid ranges
//   CONTAINMENT_TESTHOST_PIDS_MAX=N        a cgroup with this pids limit
// The library's log lines (information and above) go to stderr as "log LEVEL: message".
var rootfs = Environment.GetEnvironmentVariable("CONTAINMENT_TESTHOST_ROOTFS");
var spec = string.IsNullOrEmpty(rootfs) ? ContainerSpec.HostReadOnly() : ContainerSpec.FromRootfs(rootfs);
spec = Environment.GetEnvironmentVariable("CONTAINMENT_TESTHOST_USERNS") switch
{
    "root" => spec.WithUserNamespace(u => u.MapCurrentUserToRoot()),
    "subids" => spec.WithUserNamespace(u => u.MapCurrentUserWithSubordinateIds()),
    _ => spec,
};
if (int.TryParse(Environment.GetEnvironmentVariable("CONTAINMENT_TESTHOST_PIDS_MAX"), out var pidsMax))
    spec = spec.WithCgroup(c => c.PidsMax(pidsMax));
try
{
    await using var container = await ContainerProcess.StartAsync(
        spec.WithProcess(p => p.Args(args).StandardOutput(Stdio.Inherit).StandardError(Stdio.Inherit)),
        new ContainerStartOptions { Logger = new StderrLogger() });
    Console.WriteLine($"pid {container.Pid}");
    Console.Out.Flush();
    var exit = await container.WaitForExitAsync();
    Console.WriteLine($"exit {exit.ShellCode}");
    return 0;
}
catch (ContainmentException e)
{
    Console.WriteLine($"error {e.Message}");
    return 1;
}

/// <summary>Writes the library's log lines to stderr, where tests read them.</summary>
internal sealed class StderrLogger : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
            Console.Error.WriteLine($"log {logLevel}: {formatter(state, exception)}");
    }
}
