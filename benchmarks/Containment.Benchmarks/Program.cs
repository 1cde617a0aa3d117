using BenchmarkDotNet.Running;
using Containment.Benchmarks;
using Containment.Benchmarks.Seccomp;

// Containment.Benchmarks                   BenchmarkDotNet (pass its usual arguments, e.g. --filter '*')
// Containment.Benchmarks compare ...       side-by-side start latency against crun, runc and unshare
// Containment.Benchmarks phases ...        a library lifecycle's time by phase (start, wait, dispose)
// Containment.Benchmarks throughput ...    containers/s with K in flight: library, containment run, crun, runc
// Containment.Benchmarks seccomp-rules     the default seccomp profile as rules for benchmarks/seccomp/export-libseccomp.c
// Containment.Benchmarks seccomp-count F   BPF instructions executed per call: libseccomp's program F vs ours
if (args.Length > 0 && args[0] == "compare")
    return await SideBySide.RunAsync(args[1..]);
if (args.Length > 0 && args[0] == "phases")
    return await Phases.RunAsync(args[1..]);
if (args.Length > 0 && args[0] == "throughput")
    return await Throughput.RunAsync(args[1..]);
if (args is ["seccomp-rules"])
    return SeccompInstructionCount.WriteRules(Console.Out);
if (args is ["seccomp-count", var libseccompProgram])
    return SeccompInstructionCount.Compare(libseccompProgram);
BenchmarkSwitcher.FromAssembly(typeof(StartBenchmarks).Assembly).Run(args);
return 0;
