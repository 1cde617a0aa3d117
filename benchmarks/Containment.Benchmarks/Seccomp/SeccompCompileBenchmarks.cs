using Containment.Capabilities;
using BenchmarkDotNet.Attributes;
using Containment.Seccomp;

namespace Containment.Benchmarks.Seccomp;

/// <summary>Compiling the default profile (run: dotnet run -c Release --project benchmarks/Containment.Benchmarks -- --filter *Seccomp*).</summary>
[MemoryDiagnoser]
public class SeccompCompileBenchmarks
{
    private static readonly CapabilitySet NoCaps = CapabilitySet.Empty;
    private static readonly CapabilitySet Admin = CapabilitySet.Of(Capability.SysAdmin);
    private readonly string _json = SeccompProfile.Default.ToJson();

    [Benchmark(Baseline = true)]
    public int CompileDefault() => SeccompCompiler.Compile(SeccompProfile.Default, NoCaps, SeccompArchitecture.X86_64).Count;

    [Benchmark]
    public int CompileDefaultWithSysAdmin() => SeccompCompiler.Compile(SeccompProfile.Default, Admin, SeccompArchitecture.X86_64).Count;

    [Benchmark]
    public int ParseAndCompileDefaultJson() => SeccompCompiler.Compile(SeccompProfile.FromJson(_json), NoCaps, SeccompArchitecture.X86_64).Count;
}
