using System.Diagnostics;
using Containment;

// LibrarySoak ROOTFS [COUNT] [IN_FLIGHT] [prepare]
// COUNT lifecycles (start /bin/true on ROOTFS with a pids-limited cgroup, wait, dispose), IN_FLIGHT at a time, in this
// one host. Prints one line: failures, what the host kept (fds, children, mounts), the cgroups and processes left
// under /containment/soak-*, RSS at start and end, containers/s; before it, the RSS and managed heap after each tenth of
// the lifecycles (flat means no per-container leak). With "prepare": no ids, ContainerStartOptions.PrepareCgroups (the
// pool grows to IN_FLIGHT); the cgroups counted are this host's prepared ones (p<pid>-*) left once the pool is drained.
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: LibrarySoak ROOTFS [COUNT] [IN_FLIGHT] [prepare]");
    return 2;
}
var rootfs = args[0];
var count = args.Length > 1 ? int.Parse(args[1]) : 1000;
var inFlight = args.Length > 2 ? int.Parse(args[2]) : 8;
var prepare = args.Length > 3 && args[3] == "prepare";
var spec = ContainerSpec.FromRootfs(rootfs).WithCgroup(c => c.PidsMax(32))
    .WithProcess(p => p.Args("/bin/true").StandardOutput(Stdio.Null).StandardError(Stdio.Null));

await LifecycleAsync("soak-warmup"); // the executor image and the JIT'd paths exist before the baseline
// The console is opened before the baseline too: the progress lines below are not leaks.
Console.WriteLine($"library soak: {count} lifecycles, {inFlight} in flight");
GC.Collect();
GC.WaitForPendingFinalizers();
var fds = Directory.GetFiles("/proc/self/fd").Length;
var mounts = File.ReadAllLines("/proc/self/mountinfo").Length;
var rssStart = RssKiB();
var failures = 0;
var next = 0;
var clock = Stopwatch.StartNew();
await Task.WhenAll(Enumerable.Range(0, inFlight).Select(_ => Task.Run(async () =>
{
    while (Interlocked.Increment(ref next) is var i && i <= count)
    {
        try
        {
            if (await LifecycleAsync($"soak-{i}") != 0)
                Interlocked.Increment(ref failures);
            if (count >= 10 && i % (count / 10) == 0)
                Console.WriteLine($"  after {i}: RSS {RssKiB() / 1024.0:F1} MiB, managed heap {GC.GetGCMemoryInfo().HeapSizeBytes / 1048576.0:F1} MiB at the last GC");
        }
        catch (ContainmentException e)
        {
            Interlocked.Increment(ref failures);
            Console.Error.WriteLine($"lifecycle {i}: {e.Message}");
        }
    }
})));
var seconds = clock.Elapsed.TotalSeconds;
var (taken, missed) = Containment.Launch.PreparedCgroups.Counts;
if (prepare)
    await Containment.Launch.PreparedCgroups.DrainAsync();
GC.Collect();
GC.WaitForPendingFinalizers();
var children = Directory.GetDirectories("/proc/self/task").Sum(t => File.ReadAllText(Path.Combine(t, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
var cgroups = Directory.GetDirectories("/sys/fs/cgroup", prepare ? $"p{Environment.ProcessId}-*" : "soak-*", SearchOption.AllDirectories).Length;
var marker = prepare ? $"/p{Environment.ProcessId}-" : "/soak-";
var processes = Directory.GetDirectories("/proc").Count(d => Path.GetFileName(d).All(char.IsAsciiDigit) && InCgroupNamed(d, marker));
Console.WriteLine($"library: {count} lifecycles, {inFlight} in flight: failures {failures}, leaked fds {Directory.GetFiles("/proc/self/fd").Length - fds}, " +
    $"children {children}, mounts {File.ReadAllLines("/proc/self/mountinfo").Length - mounts}, cgroups {cgroups}, processes {processes}, " +
    $"RSS {rssStart / 1024.0:F1} -> {RssKiB() / 1024.0:F1} MiB, {count / seconds:F0} containers/s ({seconds:F1} s)" +
    (prepare ? $"; prepared cgroups taken {taken}, missed {missed}" : ""));
return failures == 0 ? 0 : 1;

async Task<int> LifecycleAsync(string id)
{
    await using var container = await ContainerProcess.StartAsync(spec, prepare ? new ContainerStartOptions { PrepareCgroups = true } : new ContainerStartOptions { Id = id });
    return (await container.WaitForExitAsync()).ShellCode;
}

static long RssKiB() =>
    long.Parse(File.ReadAllLines("/proc/self/status").Single(l => l.StartsWith("VmRSS:")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);

static bool InCgroupNamed(string procDir, string marker)
{
    try { return File.ReadAllText(Path.Combine(procDir, "cgroup")).Contains(marker, StringComparison.Ordinal); }
    catch (IOException) { return false; }
}
