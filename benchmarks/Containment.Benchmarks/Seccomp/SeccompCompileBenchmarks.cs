using BenchmarkDotNet.Attributes;
using Containment.Seccomp;

namespace Containment.Benchmarks.Seccomp;

/// <summary>Compiling the default profile (run: dotnet run -c Release --project benchmarks/Containment.Benchmarks -- --filter *Seccomp*).</summary>
[MemoryDiagnoser]
public class SeccompCompileBenchmarks
{
    private static readonly string[] NoCaps = [];
    private static readonly string[] Admin = ["CAP_SYS_ADMIN"];
    private readonly string _json = SeccompProfile.Default.ToJson();

    [Benchmark(Baseline = true)]
    public int CompileDefault() => SeccompCompiler.Compile(SeccompProfile.Default, NoCaps, SeccompArchitecture.X86_64).Count;

    [Benchmark]
    public int CompileDefaultWithSysAdmin() => SeccompCompiler.Compile(SeccompProfile.Default, Admin, SeccompArchitecture.X86_64).Count;

    [Benchmark]
    public int ParseAndCompileDefaultJson() => SeccompCompiler.Compile(SeccompProfile.FromJson(_json), NoCaps, SeccompArchitecture.X86_64).Count;
}
