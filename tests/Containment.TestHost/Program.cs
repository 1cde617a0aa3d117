using System.Diagnostics;
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
//   CONTAINMENT_TESTHOST_BIND=SRC:DST      a read-only bind of the host's SRC at DST
//   CONTAINMENT_TESTHOST_MEMORY_MAX=N      a cgroup with this memory limit (bytes)
//   CONTAINMENT_TESTHOST_ALLOW_UNENFORCED=1   start even when the cgroup limits cannot be enforced
//   CONTAINMENT_TESTHOST_CAP_ADD=A,B       add these capabilities (OCI names)
//   CONTAINMENT_TESTHOST_SECCOMP=unconfined  no seccomp filter
//   CONTAINMENT_TESTHOST_BINDS=S:D[:ro];…  bind mounts (host source, container destination, read-only)
//   CONTAINMENT_TESTHOST_ID=ID             the container's id (names its cgroup)
//   CONTAINMENT_TESTHOST_MODE=MODE         instead of waiting for the exit, time one operation and print "took N" (µs):
//     start   the start of COMMAND, then it is left running (the host waits to be killed)
//     exec    a second process joining the running container (COMMAND again), printed as "exec-pid N"
//     delete  the disposal of the container: kill, wait, cgroup removal; then the host exits
//     cycle   start, join, kill and dispose, printing each exit, the cgroup directories left, the zombie children (a pid 1 host)
//     prepare with PrepareCgroups: start and dispose, then print "prepared PATH" for each directory of the cgroups
//             prepared meanwhile, and "took 0" (the host then waits to be killed)
//   CONTAINMENT_TESTHOST_IN_FLIGHT=N       in prepare mode, N containers alive at once before the disposals (the pool grows to N)
//   CONTAINMENT_TESTHOST_STDIO=default     COMMAND gets the library's default stdio (stdin /dev/null, output pipes the host drains)
//                                          instead of the host's stdout and stderr
//   CONTAINMENT_TESTHOST_JOIN=1            start /bin/sleep 1000, run COMMAND joined to it (JoinRunning), print its exit
//   CONTAINMENT_TESTHOST_KILL_AFTER_US=N   in a MODE, SIGKILL the host N µs after the operation began
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
if (Environment.GetEnvironmentVariable("CONTAINMENT_TESTHOST_BIND")?.Split(':') is [{ Length: > 0 } bindSource, { Length: > 0 } bindTarget])
    spec = spec.WithMounts(m => m.Bind(bindSource, bindTarget, readOnly: true));
if (long.TryParse(Environment.GetEnvironmentVariable("CONTAINMENT_TESTHOST_MEMORY_MAX"), out var memoryMax))
    spec = spec.WithCgroup(c => c.MemoryMax(memoryMax));
if (NullIfEmpty(Environment.GetEnvironmentVariable("CONTAINMENT_TESTHOST_CAP_ADD")) is { } capAdd)
    spec = spec.WithCapabilities(c =>
    {
        foreach (var cap in Containment.Capabilities.CapabilityNames.ParseSet(capAdd.Split(',')))
            c.Add(cap);
    });
if (Environment.GetEnvironmentVariable("CONTAINMENT_TESTHOST_SECCOMP") == "unconfined")
    spec = spec.WithSeccomp(null);
if (NullIfEmpty(Environment.GetEnvironmentVariable("CONTAINMENT_TESTHOST_BINDS")) is { } binds)
    spec = spec.WithMounts(m =>
    {
        foreach (var bind in binds.Split(';'))
        {
            var f = bind.Split(':');
            m.Bind(f[0], f[1], readOnly: f.Length > 2 && f[2] == "ro");
        }
    });
var mode = Environment.GetEnvironmentVariable("CONTAINMENT_TESTHOST_MODE");
long? killAfter = long.TryParse(Environment.GetEnvironmentVariable("CONTAINMENT_TESTHOST_KILL_AFTER_US"), out var us) ? us : null;
var options = new ContainerStartOptions
{
    Logger = new StderrLogger(), Id = NullIfEmpty(Environment.GetEnvironmentVariable("CONTAINMENT_TESTHOST_ID")),
    AllowUnenforcedLimits = Environment.GetEnvironmentVariable("CONTAINMENT_TESTHOST_ALLOW_UNENFORCED") == "1",
    PrepareCgroups = mode == "prepare",
};
try
{
    if (mode is null)
        return await RunToExitAsync();
    await TimeOperationAsync(mode);
    return 0;
}
catch (ContainmentException e)
{
    Console.WriteLine($"error {e.Message}");
    return 1;
}

async Task<int> RunToExitAsync()
{
    var defaultStdio = Environment.GetEnvironmentVariable("CONTAINMENT_TESTHOST_STDIO") == "default";
    void Command(ProcessBuilder p)
    {
        p.Args(args);
        if (!defaultStdio)
            p.StandardOutput(Stdio.Inherit).StandardError(Stdio.Inherit);
    }
    if (Environment.GetEnvironmentVariable("CONTAINMENT_TESTHOST_JOIN") == "1")
    {
        await using var target = await ContainerProcess.StartAsync(
            spec.WithProcess(p => p.Args("/bin/sleep", "1000").StandardOutput(Stdio.Null).StandardError(Stdio.Null)), options);
        await using var joined = await ContainerProcess.StartAsync(ContainerSpec.JoinRunning(target.Pid).WithProcess(Command));
        return await ReportAsync(joined);
    }
    await using var container = await ContainerProcess.StartAsync(spec.WithProcess(Command), options);
    return await ReportAsync(container);
}

async Task<int> ReportAsync(ContainerProcess container)
{
    Say($"pid {container.Pid}");
    var drain = Task.WhenAll(
        container.StandardOutput?.ReadToEndAsync() ?? Task.FromResult(""), container.StandardError?.ReadToEndAsync() ?? Task.FromResult(""));
    var exit = await container.WaitForExitAsync();
    await drain;
    Say($"exit {exit.ShellCode}");
    return 0;
}

async Task TimeOperationAsync(string operation)
{
    var process = spec.WithProcess(p => p.Args(args).StandardOutput(Stdio.Null).StandardError(Stdio.Null));
    var started = 0L;
    void Begin()
    {
        SelfKill.Arm(killAfter);
        started = Stopwatch.GetTimestamp();
    }
    if (operation == "start")
        Begin();
    var container = await ContainerProcess.StartAsync(process, options);
    Say($"pid {container.Pid}");
    switch (operation)
    {
        case "start":
            Say($"took {Stopwatch.GetElapsedTime(started).TotalMicroseconds:F0}");
            await Task.Delay(Timeout.Infinite);
            break;
        case "exec":
            Begin();
            var joined = await ContainerProcess.StartAsync(ContainerSpec.JoinRunning(container.Pid)
                .WithProcess(p => p.Args(args).StandardOutput(Stdio.Null).StandardError(Stdio.Null)), new ContainerStartOptions());
            Say($"exec-pid {joined.Pid}");
            Say($"took {Stopwatch.GetElapsedTime(started).TotalMicroseconds:F0}");
            await Task.Delay(Timeout.Infinite);
            break;
        case "delete":
            Begin();
            await container.DisposeAsync();
            Say($"took {Stopwatch.GetElapsedTime(started).TotalMicroseconds:F0}");
            break;
        case "cycle":
            await CycleAsync(container);
            break;
        case "prepare":
            var inFlight = int.TryParse(Environment.GetEnvironmentVariable("CONTAINMENT_TESTHOST_IN_FLIGHT"), out var n) ? n : 1;
            var alongside = new List<ContainerProcess>();
            for (var i = 1; i < inFlight; i++)
                alongside.Add(await ContainerProcess.StartAsync(process, options));
            await container.DisposeAsync();
            foreach (var other in alongside)
                await other.DisposeAsync();
            for (var i = 0; i < 500 && Containment.Launch.PreparedCgroups.Waiting < inFlight; i++)
                await Task.Delay(10);
            foreach (var path in Containment.Launch.PreparedCgroups.WaitingPaths)
                Say($"prepared {path}");
            Say("took 0");
            await Task.Delay(Timeout.Infinite);
            break;
        default:
            throw new ContainmentException($"unknown CONTAINMENT_TESTHOST_MODE '{operation}'");
    }
}

// The whole lifecycle: a joined process exits with its own code, the container is killed, and both statuses arrive.
async Task CycleAsync(ContainerProcess container)
{
    await using (var joined = await ContainerProcess.StartAsync(ContainerSpec.JoinRunning(container.Pid)
        .WithProcess(p => p.Args("/bin/sh", "-c", "exit 5").StandardOutput(Stdio.Null).StandardError(Stdio.Null)), new ContainerStartOptions()))
        Say($"exec-exit {(await joined.WaitForExitAsync()).ShellCode}");
    var paths = container.Cgroup?.Paths ?? [];
    container.Kill();
    Say($"exit {(await container.WaitForExitAsync()).ShellCode}");
    await container.DisposeAsync();
    Say($"cgroups-left {paths.Count(Directory.Exists)}");
    // Children are reaped as they exit (the executors by the library, the rest by whatever reaps for a pid 1): none may stay a zombie.
    var zombies = Zombies();
    for (var i = 0; i < 50 && zombies > 0; i++)
    {
        await Task.Delay(20);
        zombies = Zombies();
    }
    Say($"zombies {zombies}");
}

static int Zombies() =>
    Directory.GetDirectories("/proc/self/task")
        .SelectMany(t => File.ReadAllText(Path.Combine(t, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
        .Count(pid => File.Exists($"/proc/{pid}/stat") && File.ReadAllText($"/proc/{pid}/stat").Split(") ")[^1].StartsWith('Z'));

static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

static void Say(string line)
{
    Console.WriteLine(line);
    Console.Out.Flush();
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
