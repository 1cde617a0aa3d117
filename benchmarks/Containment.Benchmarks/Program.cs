using BenchmarkDotNet.Running;
using Containment.Benchmarks;

// Containment.Benchmarks                   BenchmarkDotNet (pass its usual arguments, e.g. --filter '*')
// Containment.Benchmarks compare ...       side-by-side start latency against crun, runc and unshare
if (args.Length > 0 && args[0] == "compare")
    return await SideBySide.RunAsync(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(StartBenchmarks).Assembly).Run(args);
return 0;
