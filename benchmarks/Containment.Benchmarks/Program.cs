using BenchmarkDotNet.Running;
using Containment.Benchmarks.Seccomp;

// Console modes used by benchmarks/seccomp/compare-libseccomp.sh; anything else goes to BenchmarkDotNet.
return args switch
{
    ["seccomp-rules"] => SeccompInstructionCount.WriteRules(Console.Out),
    ["seccomp-count", var file] => SeccompInstructionCount.Compare(file),
    _ => Run(args),
};

static int Run(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(SeccompCompileBenchmarks).Assembly).Run(args);
    return 0;
}
