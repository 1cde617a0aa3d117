using Containment.Capabilities;
using Containment.Seccomp;
using Containment.Seccomp.Bpf;

namespace Containment.Tests.Seccomp;

/// <summary>Helpers: run a compiled filter for a named call and read the result.</summary>
internal static class SeccompTestKit
{
    public const uint AuditX86_64 = 0xC000003E, AuditI386 = 0x40000003, AuditAarch64 = 0xC00000B7, AuditArm = 0x40000028;

    public static CompiledSeccompFilter Compile(SeccompProfile profile, CapabilitySet? caps = null,
        SeccompArchitecture native = SeccompArchitecture.X86_64) =>
        SeccompCompiler.Compile(profile, caps ?? CapabilitySet.Empty, native);

    public static int Nr(SeccompArchitecture arch, string name) =>
        ArchitectureInfo.Get(arch).Table!.TryGetNumber(name, out var nr) ? nr : throw new ArgumentException(name);

    /// <summary>The filter's return value for a call through an ABI (x32 numbers already carry their bit).</summary>
    public static uint Run(CompiledSeccompFilter filter, SeccompArchitecture arch, string name, params ulong[] args) =>
        filter.Run(new SeccompData((uint)Nr(arch, name), ArchitectureInfo.Get(arch).AuditArch, args));

    public static uint RunNr(CompiledSeccompFilter filter, uint audit, uint nr, params ulong[] args) =>
        filter.Run(new SeccompData(nr, audit, args));

    public static uint Errno(uint errno) => 0x00050000 | errno;

    public const uint Allow = 0x7fff0000, KillProcess = 0x80000000, KillThread = 0, Trap = 0x00030000,
        Log = 0x7ffc0000, Notify = 0x7fc00000, Trace = 0x7ff00000;

    public static readonly uint EPERM = Errno(1), ENOSYS = Errno(38);
}
