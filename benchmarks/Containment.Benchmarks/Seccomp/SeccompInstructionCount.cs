using Containment.Seccomp;
using Containment.Seccomp.Bpf;

namespace Containment.Benchmarks.Seccomp;

/// <summary>
/// The console side of benchmarks/seccomp/compare-libseccomp.sh: writes the default profile as rules for the
/// libseccomp exporter, and counts the instructions libseccomp's program and ours execute per call.
/// </summary>
internal static class SeccompInstructionCount
{
    private static readonly string[] Calls = ["read", "write", "futex", "openat", "mmap", "mount", "keyctl", "clone3"];

    /// <summary>The default profile for a container without capabilities on x86_64, in the exporter's format.</summary>
    public static int WriteRules(TextWriter output)
    {
        var profile = SeccompProfile.Default.Resolve([], SeccompArchitecture.X86_64);
        output.WriteLine($"default 0x{SeccompReturn.Of(profile.DefaultAction, profile.DefaultErrnoRet):x}");
        output.WriteLine("arch x86");
        output.WriteLine("arch x32");
        foreach (var rule in profile.Syscalls)
            foreach (var name in rule.Names)
            {
                var args = string.Concat(rule.Args.Select(a => $" {a.Index} {LibseccompOp(a.Operator)} 0x{a.Value:x} 0x{a.ValueTwo:x}"));
                output.WriteLine($"rule 0x{rule.ReturnValue:x} {name} {rule.Args.Count}{args}");
            }
        return 0;
    }

    private static int LibseccompOp(SeccompArgOperator op) => op switch
    {
        SeccompArgOperator.NotEqual => 1, SeccompArgOperator.LessThan => 2, SeccompArgOperator.LessOrEqual => 3,
        SeccompArgOperator.Equal => 4, SeccompArgOperator.GreaterOrEqual => 5, SeccompArgOperator.GreaterThan => 6,
        _ => 7,
    };

    public static int Compare(string libseccompFile)
    {
        var theirs = BpfInstruction.ReadProgram(File.ReadAllBytes(libseccompFile));
        var ours = SeccompCompiler.Compile(SeccompProfile.Default, Containment.Capabilities.CapabilitySet.Empty, SeccompArchitecture.X86_64).Instructions.ToArray();
        Console.WriteLine($"program length: libseccomp {theirs.Length}, Containment {ours.Length} instructions");
        Console.WriteLine($"{"call (x86_64)",-16}{"libseccomp",12}{"Containment",13}{"ratio",8}  decision");
        var table = ArchitectureInfo.Get(SeccompArchitecture.X86_64).Table!;
        var differ = 0;
        foreach (var name in Calls)
        {
            table.TryGetNumber(name, out var nr);
            var data = new SeccompData((uint)nr, ArchitectureInfo.Get(SeccompArchitecture.X86_64).AuditArch, name == "mmap" ? [0, 4096, 3, 0x22] : null);
            var a = BpfInterpreter.Run(theirs, data, false, out var theirCount);
            var b = BpfInterpreter.Run(ours, data, false, out var ourCount);
            var same = a == b ? SeccompReturn.Describe(b) : $"DIFFER: libseccomp {SeccompReturn.Describe(a)}, ours {SeccompReturn.Describe(b)}";
            if (a != b && name != "clone3")
                differ++;
            Console.WriteLine($"{name,-16}{theirCount,12}{ourCount,13}{(double)ourCount / theirCount,8:0.00}  {same}");
        }
        Console.WriteLine("(clone3: libseccomp alone has no ENOSYS rule for new calls; runc prepends its own stub for that)");
        return differ == 0 ? 0 : 1;
    }
}
