namespace Containment.Seccomp;

/// <summary>A system-call ABI a seccomp profile can name (the OCI <c>SCMP_ARCH_*</c> values).</summary>
public enum SeccompArchitecture
{
    /// <summary><c>SCMP_ARCH_X86_64</c>.</summary>
    X86_64,
    /// <summary><c>SCMP_ARCH_X86</c> (i386, also 32-bit programs on x86_64).</summary>
    X86,
    /// <summary><c>SCMP_ARCH_X32</c> (the x32 ABI of x86_64: syscall numbers carry bit 0x40000000).</summary>
    X32,
    /// <summary><c>SCMP_ARCH_AARCH64</c>.</summary>
    Aarch64,
    /// <summary><c>SCMP_ARCH_ARM</c> (EABI, also 32-bit programs on aarch64).</summary>
    Arm,
    /// <summary><c>SCMP_ARCH_RISCV64</c>.</summary>
    Riscv64,
    /// <summary><c>SCMP_ARCH_PPC64LE</c>.</summary>
    Ppc64le,
    /// <summary><c>SCMP_ARCH_S390X</c>.</summary>
    S390x,
    /// <summary><c>SCMP_ARCH_MIPS</c> (accepted, no syscall table: never compiled in).</summary>
    Mips,
    /// <summary><c>SCMP_ARCH_MIPS64</c> (accepted, no syscall table).</summary>
    Mips64,
    /// <summary><c>SCMP_ARCH_MIPS64N32</c> (accepted, no syscall table).</summary>
    Mips64N32,
    /// <summary><c>SCMP_ARCH_MIPSEL</c> (accepted, no syscall table).</summary>
    Mipsel,
    /// <summary><c>SCMP_ARCH_MIPSEL64</c> (accepted, no syscall table).</summary>
    Mipsel64,
    /// <summary><c>SCMP_ARCH_MIPSEL64N32</c> (accepted, no syscall table).</summary>
    Mipsel64N32,
    /// <summary><c>SCMP_ARCH_PPC</c> (accepted, no syscall table).</summary>
    Ppc,
    /// <summary><c>SCMP_ARCH_PPC64</c> (big-endian; accepted, no syscall table).</summary>
    Ppc64,
    /// <summary><c>SCMP_ARCH_S390</c> (accepted, no syscall table).</summary>
    S390,
    /// <summary><c>SCMP_ARCH_PARISC</c> (accepted, no syscall table).</summary>
    Parisc,
    /// <summary><c>SCMP_ARCH_PARISC64</c> (accepted, no syscall table).</summary>
    Parisc64,
    /// <summary><c>SCMP_ARCH_LOONGARCH64</c> (accepted, no syscall table).</summary>
    Loongarch64,
}
