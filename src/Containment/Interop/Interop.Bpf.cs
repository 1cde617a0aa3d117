using System.Runtime.InteropServices;

namespace Containment.Interop;

internal static partial class Libc
{
    /// <summary>bpf(2) syscall number: 321 on x86_64, 280 on aarch64.</summary>
    public static long SYS_bpf => RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 280 : 321;

    public const int BPF_PROG_LOAD = 5, BPF_PROG_ATTACH = 8, BPF_PROG_DETACH = 9, BPF_PROG_QUERY = 16;
    public const int BPF_PROG_TYPE_CGROUP_DEVICE = 15, BPF_CGROUP_DEVICE = 6, BPF_F_ALLOW_MULTI = 2;

    /// <summary>bpf(2) with a zero-padded <c>union bpf_attr</c> of <paramref name="size"/> bytes.</summary>
    public static unsafe int Bpf(int command, byte* attr, int size) => (int)Syscall(SYS_bpf, command, (long)attr, size, 0);
}
