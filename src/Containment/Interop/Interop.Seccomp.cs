using System.Runtime.InteropServices;

namespace Containment.Interop;

internal static partial class Libc
{
    /// <summary>seccomp(2) operations (include/uapi/linux/seccomp.h).</summary>
    public const uint SECCOMP_SET_MODE_FILTER = 1, SECCOMP_GET_ACTION_AVAIL = 2;

    /// <summary>The listener's ioctls: _IOWR('!', 0, struct seccomp_notif), _IOWR('!', 1, struct seccomp_notif_resp),
    /// _IOW('!', 2, __u64).</summary>
    public const ulong SECCOMP_IOCTL_NOTIF_RECV = 0xc0502100, SECCOMP_IOCTL_NOTIF_SEND = 0xc0182101,
        SECCOMP_IOCTL_NOTIF_ID_VALID = 0x40082102;

    /// <summary>SECCOMP_USER_NOTIF_FLAG_CONTINUE: let the call run as the target asked.</summary>
    public const uint SECCOMP_USER_NOTIF_FLAG_CONTINUE = 1;

    /// <summary>struct seccomp_notif (80 bytes): the id, pid, flags and the call's seccomp_data.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public unsafe struct SeccompNotif
    {
        public ulong Id;
        public uint Pid;
        public uint Flags;
        public int Nr;
        public uint Arch;
        public ulong InstructionPointer;
        public fixed ulong Args[6];
    }

    /// <summary>struct seccomp_notif_resp (24 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct SeccompNotifResp
    {
        public ulong Id;
        public long Val;
        public int Error;
        public uint Flags;
    }

    /// <summary>seccomp(2) through syscall(2): glibc has no wrapper. The number comes from this library's own table.</summary>
    public static long Seccomp(uint operation, uint flags, nint args) =>
        Syscall(SeccompSyscallNumber.Value, operation, flags, args, 0);

    // x86_64 and arm64 are known here, so probing the kernel does not build every architecture's syscall table.
    private static readonly Lazy<long> SeccompSyscallNumber = new(() => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 317,
        Architecture.Arm64 => 277,
        _ => Containment.Seccomp.ArchitectureInfo.Get(Containment.Seccomp.ArchitectureInfo.Native).Table?.TryGetNumber("seccomp", out var nr) == true
            ? nr
            : throw new PlatformNotSupportedException("no seccomp system call number for this architecture"),
    });
}
