using System.Diagnostics;
using Containment;
using Containment.Cgroups;
using Containment.Namespaces;

// Cgroup2Compare --bundle DIR [--runs N]: start→exit of /bin/true, the library with the bundle's limits (memory + pids), the
// same with PrepareCgroups, and without a cgroup, `crun run` on the bundle and the unshare floor, alternating with the order rotating each round, after
// a warm-up; prints p50 and each one's ratio to the library with a cgroup. Other arguments are ignored: the VM harness
// (tests/cgroup2-vm/run.sh) passes a test runner's flags first.
string? bundle = null;
var runs = 20;
for (var i = 0; i < args.Length - 1; i++)
{
    if (args[i] == "--bundle")
        bundle = args[i + 1];
    else if (args[i] == "--runs")
        runs = int.Parse(args[i + 1]);
}
if (bundle is null)
{
    Console.Error.WriteLine("usage: Cgroup2Compare --bundle DIR [--runs N]");
    return 2;
}
var plain = ContainerSpec.FromRootfs(Path.Combine(bundle, "rootfs"))
    .WithNamespaces(NamespaceSet.Isolated.Without(NamespaceKind.Cgroup))
    .WithProcess(p => p.Args("/bin/true").StandardOutput(Stdio.Null).StandardError(Stdio.Null));
var limited = plain.WithCgroup(CgroupSpec.Build(c => c.MemoryMax(64 * ByteSize.MiB).PidsMax(32)));
var candidates = new (string Name, Func<int, Task> Run, List<double> Ms)[]
{
    ("library, cgroup", _ => LibraryAsync(limited), []),
    // On pure v2 no start takes a prepared cgroup (CLONE_INTO_CGROUP already places the child without a join): the same path.
    ("library, PrepareCgroups", _ => LibraryAsync(limited, new ContainerStartOptions { PrepareCgroups = true }), []),
    ("library, no cgroup", _ => LibraryAsync(plain), []),
    ("crun run", i => ExecAsync("crun", "--root", "/run/containment-bench-crun", "run", "--bundle", bundle, $"bench-crun-{i}"), []),
    ("unshare floor", _ => ExecAsync("unshare", "--fork", "--pid", "--mount", "--uts", "--ipc", "--net", "/bin/true"), []),
};
var controllers = "/sys/fs/cgroup/cgroup.controllers";
Console.WriteLine($"{(File.Exists(controllers) ? $"cgroup v2 ({File.ReadAllText(controllers).Trim()})" : "cgroup v1")}, {runs} alternating rounds, back to back");
foreach (var c in candidates)
    for (var w = 0; w < 10; w++)
        await c.Run(-w - 1);
for (var i = 0; i < runs; i++)
    for (var k = 0; k < candidates.Length; k++)
    {
        var c = candidates[(i + k) % candidates.Length];
        var t = Stopwatch.GetTimestamp();
        await c.Run(i);
        c.Ms.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
    }
var reference = Median(candidates[0].Ms);
foreach (var c in candidates)
    Console.WriteLine($"  {c.Name,-20} p50 {Median(c.Ms),8:F2} ms   library, cgroup / this {reference / Median(c.Ms),5:F2}");
return 0;

static async Task LibraryAsync(ContainerSpec spec, ContainerStartOptions? options = null)
{
    await using var container = await ContainerProcess.StartAsync(spec, options ?? new ContainerStartOptions());
    await container.WaitForExitAsync();
}

static async Task ExecAsync(string file, params string[] args)
{
    using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true })!;
    var err = p.StandardError.ReadToEndAsync();
    await p.WaitForExitAsync();
    if (p.ExitCode != 0)
        throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {p.ExitCode}: {await err}");
}

static double Median(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);
