using System.Diagnostics;
using Containment;
using Containment.Cgroups;
using Containment.Namespaces;

// ColdStart ROOTFS [COUNT] [--no-cgroup]: COUNT containers of /bin/true, one after the other, in this fresh process (the
// busybox root, isolated namespaces, a 64 MiB memory and 32 pids limit, teardown counted). Prints the first one's
// start→exit, the median of the others (warm) and how long building the spec took. `ColdStart --none` starts the runtime and exits: the floor.
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
for (var i = 0; i < count; i++)
{
    var t = Stopwatch.GetTimestamp();
    await using (var container = await ContainerProcess.StartAsync(spec))
        await container.WaitForExitAsync();
    ms.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
}
var warm = ms.Skip(1).Order().ToList();
Console.WriteLine($"first {ms[0]:F2} warm {(warm.Count == 0 ? double.NaN : warm[warm.Count / 2]):F2} spec {specMs:F2}");
return 0;
