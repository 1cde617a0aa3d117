using ProcessArchitecture = System.Runtime.InteropServices.Architecture;
using System.Runtime.InteropServices;
using Containment.Seccomp.Tables;

namespace Containment.Seccomp;

/// <summary>What the compiler knows about an ABI: its OCI name, AUDIT_ARCH value, syscall table and family.</summary>
internal sealed record ArchitectureInfo(
    SeccompArchitecture Architecture,
    string OciName,
    uint AuditArch,
    SyscallTable? Table,
    bool BigEndian,
    string[] DockerNames)
{
    private const uint Bits64 = 0x80000000, LittleEndian = 0x40000000, MipsN32 = 0x20000000;

    /// <summary>The x32 ABI marks its call numbers with this bit (__X32_SYSCALL_BIT).</summary>
    public const uint X32Bit = 0x40000000;

    /// <summary>ARM's private calls (__ARM_NR_BASE): not counted for the ENOSYS rule.</summary>
    public const uint ArmPrivateBase = 0x0f0000, ArmPrivateEnd = 0x0fffff;

    private static readonly ArchitectureInfo[] All =
    [
        new(SeccompArchitecture.X86_64, "SCMP_ARCH_X86_64", 62 | Bits64 | LittleEndian, SyscallTables.X86_64, false, ["amd64", "x86_64"]),
        new(SeccompArchitecture.X86, "SCMP_ARCH_X86", 3 | LittleEndian, SyscallTables.X86, false, ["386", "x86", "i386"]),
        new(SeccompArchitecture.X32, "SCMP_ARCH_X32", 62 | Bits64 | LittleEndian, SyscallTables.X32, false, ["x32"]),
        new(SeccompArchitecture.Aarch64, "SCMP_ARCH_AARCH64", 183 | Bits64 | LittleEndian, SyscallTables.Aarch64, false, ["arm64", "aarch64"]),
        new(SeccompArchitecture.Arm, "SCMP_ARCH_ARM", 40 | LittleEndian, SyscallTables.Arm, false, ["arm"]),
        new(SeccompArchitecture.Riscv64, "SCMP_ARCH_RISCV64", 243 | Bits64 | LittleEndian, SyscallTables.Riscv64, false, ["riscv64"]),
        new(SeccompArchitecture.Ppc64le, "SCMP_ARCH_PPC64LE", 21 | Bits64 | LittleEndian, SyscallTables.Ppc64le, false, ["ppc64le"]),
        new(SeccompArchitecture.S390x, "SCMP_ARCH_S390X", 22 | Bits64, SyscallTables.S390x, true, ["s390x"]),
        new(SeccompArchitecture.Mips, "SCMP_ARCH_MIPS", 8, null, true, ["mips"]),
        new(SeccompArchitecture.Mips64, "SCMP_ARCH_MIPS64", 8 | Bits64, null, true, ["mips64"]),
        new(SeccompArchitecture.Mips64N32, "SCMP_ARCH_MIPS64N32", 8 | Bits64 | MipsN32, null, true, ["mips64n32"]),
        new(SeccompArchitecture.Mipsel, "SCMP_ARCH_MIPSEL", 8 | LittleEndian, null, false, ["mipsle", "mipsel"]),
        new(SeccompArchitecture.Mipsel64, "SCMP_ARCH_MIPSEL64", 8 | Bits64 | LittleEndian, null, false, ["mips64le", "mipsel64"]),
        new(SeccompArchitecture.Mipsel64N32, "SCMP_ARCH_MIPSEL64N32", 8 | Bits64 | LittleEndian | MipsN32, null, false, ["mips64len32", "mipsel64n32"]),
        new(SeccompArchitecture.Ppc, "SCMP_ARCH_PPC", 20, null, true, ["ppc"]),
        new(SeccompArchitecture.Ppc64, "SCMP_ARCH_PPC64", 21 | Bits64, null, true, ["ppc64"]),
        new(SeccompArchitecture.S390, "SCMP_ARCH_S390", 22, null, true, ["s390"]),
        new(SeccompArchitecture.Parisc, "SCMP_ARCH_PARISC", 15, null, true, ["parisc"]),
        new(SeccompArchitecture.Parisc64, "SCMP_ARCH_PARISC64", 15 | Bits64, null, true, ["parisc64"]),
        new(SeccompArchitecture.Loongarch64, "SCMP_ARCH_LOONGARCH64", 258 | Bits64 | LittleEndian, null, false, ["loong64", "loongarch64"]),
    ];

    public static ArchitectureInfo Get(SeccompArchitecture architecture) => All[(int)architecture];

    public static IReadOnlyList<ArchitectureInfo> Every => All;

    /// <summary>Reads an OCI name (<c>SCMP_ARCH_X86_64</c>) or, for Docker profiles' conditions, a Go name (<c>amd64</c>).</summary>
    public static bool TryParse(string name, out SeccompArchitecture architecture)
    {
        foreach (var info in All)
        {
            if (info.OciName == name || info.DockerNames.Contains(name))
            {
                architecture = info.Architecture;
                return true;
            }
        }
        architecture = default;
        return false;
    }

    /// <summary>The ABIs a kernel of this native architecture can run (the native one first).</summary>
    public static SeccompArchitecture[] Family(SeccompArchitecture native) => native switch
    {
        SeccompArchitecture.X86_64 => [SeccompArchitecture.X86_64, SeccompArchitecture.X86, SeccompArchitecture.X32],
        SeccompArchitecture.Aarch64 => [SeccompArchitecture.Aarch64, SeccompArchitecture.Arm],
        SeccompArchitecture.S390x => [SeccompArchitecture.S390x, SeccompArchitecture.S390],
        SeccompArchitecture.Ppc64 => [SeccompArchitecture.Ppc64, SeccompArchitecture.Ppc],
        SeccompArchitecture.Mips64 => [SeccompArchitecture.Mips64, SeccompArchitecture.Mips64N32, SeccompArchitecture.Mips],
        SeccompArchitecture.Mipsel64 => [SeccompArchitecture.Mipsel64, SeccompArchitecture.Mipsel64N32, SeccompArchitecture.Mipsel],
        SeccompArchitecture.Parisc64 => [SeccompArchitecture.Parisc64, SeccompArchitecture.Parisc],
        _ => [native],
    };

    /// <summary>This machine's architecture.</summary>
    public static SeccompArchitecture Native { get; } = RuntimeInformation.OSArchitecture switch
    {
        ProcessArchitecture.X64 => SeccompArchitecture.X86_64,
        ProcessArchitecture.X86 => SeccompArchitecture.X86,
        ProcessArchitecture.Arm64 => SeccompArchitecture.Aarch64,
        ProcessArchitecture.Arm or ProcessArchitecture.Armv6 => SeccompArchitecture.Arm,
        ProcessArchitecture.RiscV64 => SeccompArchitecture.Riscv64,
        ProcessArchitecture.Ppc64le => SeccompArchitecture.Ppc64le,
        ProcessArchitecture.S390x => SeccompArchitecture.S390x,
        ProcessArchitecture.LoongArch64 => SeccompArchitecture.Loongarch64,
        _ => SeccompArchitecture.X86_64,
    };

    /// <summary>The native architecture of a machine that runs calls of ABI <paramref name="abi"/>: this machine if
    /// it can, else the 64-bit member of the ABI's family.</summary>
    public static SeccompArchitecture NativeFor(SeccompArchitecture abi)
    {
        if (Family(Native).Contains(abi))
            return Native;
        return abi switch
        {
            SeccompArchitecture.X86 or SeccompArchitecture.X32 => SeccompArchitecture.X86_64,
            SeccompArchitecture.Arm => SeccompArchitecture.Aarch64,
            SeccompArchitecture.S390 => SeccompArchitecture.S390x,
            SeccompArchitecture.Ppc => SeccompArchitecture.Ppc64,
            _ => abi,
        };
    }
}
