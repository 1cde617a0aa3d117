using System.Diagnostics;
using Containment;
using Containment.Cgroups;
using Containment.Namespaces;

// ColdStart ROOTFS [COUNT] [--no-cgroup]: COUNT containers of /bin/true, one after the other, in this fresh process (the
// busybox root, isolated namespaces, a 64 MiB memory and 32 pids limit, teardown counted). Prints the first one's
// start→exit, the median of the others (warm), how long building the spec took, and the first one's phases (StartAsync,
// WaitForExitAsync, DisposeAsync). `ColdStart --none` starts the runtime and exits: the floor.
if (args is ["--none"])
    return 0;
if (args.Length is < 1 or > 3)
{
    Console.Error.WriteLine("usage: ColdStart ROOTFS [COUNT] [--no-cgroup] | ColdStart --none");
    return 2;
}
var count = args.Length > 1 && int.TryParse(args[1], out var n) ? n : 1;
var building = Stopwatch.GetTimestamp();
var spec = ContainerSpec.FromRootfs(args[0])
    .WithNamespaces(NamespaceSet.Isolated.Without(NamespaceKind.Cgroup))
    .WithProcess(p => p.Args("/bin/true").StandardOutput(Stdio.Null).StandardError(Stdio.Null));
if (!args.Contains("--no-cgroup"))
    spec = spec.WithCgroup(CgroupSpec.Build(c => c.MemoryMax(64 * ByteSize.MiB).PidsMax(32)));
var specMs = Stopwatch.GetElapsedTime(building).TotalMilliseconds;
var ms = new List<double>();
var phases = "";
for (var i = 0; i < count; i++)
{
    var t = Stopwatch.GetTimestamp();
    var container = await ContainerProcess.StartAsync(spec);
    var started = Stopwatch.GetTimestamp();
    await container.WaitForExitAsync();
    var exited = Stopwatch.GetTimestamp();
    await container.DisposeAsync();
    if (i == 0)
        phases = $"start {Stopwatch.GetElapsedTime(t, started).TotalMilliseconds:F2} wait {Stopwatch.GetElapsedTime(started, exited).TotalMilliseconds:F2} dispose {Stopwatch.GetElapsedTime(exited).TotalMilliseconds:F2}";
    ms.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
}
var warm = ms.Skip(1).Order().ToList();
Console.WriteLine($"first {ms[0]:F2} warm {(warm.Count == 0 ? double.NaN : warm[warm.Count / 2]):F2} spec {specMs:F2} (first: {phases})");
return 0;
