using System.Runtime.InteropServices;
using Containment.Interop;
using Microsoft.Win32.SafeHandles;

namespace Containment.Cgroups.Devices;

/// <summary>Loads a device filter with bpf(BPF_PROG_LOAD) and attaches it to a cgroup v2 directory.</summary>
internal static class DeviceFilterProgram
{
    private const int AttrSize = 128;

    /// <summary>Loads the program; returns its fd. The kernel's verifier log is included in the error on failure.</summary>
    public static unsafe SafeFileHandle Load(IReadOnlyList<BpfInstruction> program)
    {
        var code = BpfInstruction.Encode(program);
        var license = "Apache-2.0\0"u8.ToArray();
        var log = new byte[65536];
        var attr = stackalloc byte[AttrSize];
        new Span<byte>(attr, AttrSize).Clear();
        fixed (byte* c = code)
        fixed (byte* l = license)
        fixed (byte* g = log)
        {
            *(uint*)(attr + 0) = Libc.BPF_PROG_TYPE_CGROUP_DEVICE;
            *(uint*)(attr + 4) = (uint)program.Count;
            *(ulong*)(attr + 8) = (ulong)c;
            *(ulong*)(attr + 16) = (ulong)l;
            *(uint*)(attr + 24) = 1;               // log_level
            *(uint*)(attr + 28) = (uint)log.Length; // log_size
            *(ulong*)(attr + 32) = (ulong)g;       // log_buf
            "containment_dev"u8.CopyTo(new Span<byte>(attr + 48, 16));
            var fd = Libc.Bpf(Libc.BPF_PROG_LOAD, attr, AttrSize);
            if (fd < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                var verifier = System.Text.Encoding.UTF8.GetString(log).TrimEnd('\0').Trim();
                throw new CgroupException(
                    $"bpf(BPF_PROG_LOAD, cgroup device filter of {program.Count} instructions): {Errno.Name(errno)}" +
                    (verifier.Length > 0 ? $"; verifier: {verifier}" : ""), "devices", null, errno);
            }
            return new SafeFileHandle(fd, ownsHandle: true);
        }
    }

    /// <summary>Attaches (BPF_F_ALLOW_MULTI) a loaded program to the cgroup open as <paramref name="cgroup"/>.</summary>
    public static unsafe void Attach(SafeFileHandle cgroup, SafeFileHandle program, string cgroupPath) =>
        Call(Libc.BPF_PROG_ATTACH, cgroup, program, Libc.BPF_F_ALLOW_MULTI, "BPF_PROG_ATTACH", cgroupPath);

    /// <summary>Detaches a program attached by <see cref="Attach"/>.</summary>
    public static unsafe void Detach(SafeFileHandle cgroup, SafeFileHandle program, string cgroupPath) =>
        Call(Libc.BPF_PROG_DETACH, cgroup, program, 0, "BPF_PROG_DETACH", cgroupPath);

    private static unsafe void Call(int command, SafeFileHandle cgroup, SafeFileHandle program, uint flags, string name, string cgroupPath)
    {
        var attr = stackalloc byte[AttrSize];
        new Span<byte>(attr, AttrSize).Clear();
        *(uint*)(attr + 0) = (uint)(int)cgroup.DangerousGetHandle();   // target_fd
        *(uint*)(attr + 4) = (uint)(int)program.DangerousGetHandle();  // attach_bpf_fd
        *(uint*)(attr + 8) = Libc.BPF_CGROUP_DEVICE;                   // attach_type
        *(uint*)(attr + 12) = flags;                                   // attach_flags
        if (Libc.Bpf(command, attr, AttrSize) < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new CgroupException($"bpf({name}, {cgroupPath}): {Errno.Name(errno)} ({Marshal.GetPInvokeErrorMessage(errno)})", "devices", null, errno);
        }
    }
}
