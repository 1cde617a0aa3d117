using Containment.Capabilities;

namespace Containment.Seccomp;

/// <summary>
/// The default profile compiled ahead of time, for the default capability set, on x86_64 and aarch64: what most
/// containers load. A process's first start would otherwise resolve the profile against the syscall tables and compile
/// it (hundreds of methods to JIT, about half of a JIT process's first start). The bytes (PrecompiledFilters.g.cs) are
/// the compiler's own output, and a unit test compiles the profile again and compares (it regenerates the file when asked).
/// </summary>
internal static partial class PrecompiledFilters
{
    private static readonly Lazy<CompiledSeccompFilter?> Native = new(ForThisMachine);

    /// <summary>The precompiled program for this profile and bounding set on this machine, or null (compile it).</summary>
    public static CompiledSeccompFilter? Find(SeccompProfile profile, CapabilitySet capabilities) =>
        ReferenceEquals(profile, SeccompProfile.Default) && capabilities.Mask == CapabilitySet.Default.Mask ? Native.Value : null;

    private static CompiledSeccompFilter? ForThisMachine() => ArchitectureInfo.Native switch
    {
        SeccompArchitecture.X86_64 => new CompiledSeccompFilter(DefaultX86_64.ToArray(), DefaultFlags, SeccompArchitecture.X86_64, false, DefaultActions),
        SeccompArchitecture.Aarch64 => new CompiledSeccompFilter(DefaultAarch64.ToArray(), DefaultFlags, SeccompArchitecture.Aarch64, false, DefaultActions),
        _ => null,
    };
}
