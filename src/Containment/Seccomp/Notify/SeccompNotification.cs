using System.Runtime.InteropServices;
using System.Text;
using Containment.Interop;

namespace Containment.Seccomp.Notify;

/// <summary>
/// A system call a container made that its profile hands to the supervisor (<see cref="SeccompAction.Notify"/>). The
/// calling thread waits until the handler answers. Argument values are the raw registers; pointers point into the
/// target's memory: read them with <see cref="ReadString(ulong, int)"/> or <see cref="ReadMemory"/>.
/// </summary>
public sealed class SeccompNotification
{
    private readonly SeccompListener _listener;

    internal unsafe SeccompNotification(SeccompListener listener, in Libc.SeccompNotif n)
    {
        _listener = listener;
        Id = n.Id;
        Pid = (int)n.Pid;
        SyscallNumber = n.Nr;
        AuditArchitecture = n.Arch;
        InstructionPointer = n.InstructionPointer;
        var args = new ulong[6];
        for (var i = 0; i < 6; i++)
            args[i] = n.Args[i];
        Args = args;
        var abi = AbiOf(n.Arch, (uint)n.Nr);
        Architecture = abi?.Architecture;
        Syscall = abi?.Table?.NameOf(n.Nr) ?? $"syscall {n.Nr}";
    }

    /// <summary>The notification's id (unique for the listener's lifetime).</summary>
    public ulong Id { get; }

    /// <summary>The calling thread, as a thread id in the host's pid namespace.</summary>
    public int Pid { get; }

    /// <summary>The ABI of the call, or null when this library has no table for it.</summary>
    public SeccompArchitecture? Architecture { get; }

    /// <summary>The call's AUDIT_ARCH value, as the filter saw it.</summary>
    public uint AuditArchitecture { get; }

    /// <summary>The call's number on its ABI (x32 numbers carry their 0x40000000 bit).</summary>
    public int SyscallNumber { get; }

    /// <summary>The call's name (<c>mkdir</c>), or <c>syscall N</c> when the table does not know the number.</summary>
    public string Syscall { get; }

    /// <summary>The six argument registers.</summary>
    public IReadOnlyList<ulong> Args { get; }

    /// <summary>The instruction pointer at the call.</summary>
    public ulong InstructionPointer { get; }

    /// <summary>
    /// Whether the call still waits for an answer (<c>SECCOMP_IOCTL_NOTIF_ID_VALID</c>). False once the calling thread
    /// was interrupted by a signal or died; then <see cref="Pid"/> may already name another process.
    /// </summary>
    public bool IsValid() => _listener.IsValid(Id);

    /// <summary>Reads the NUL-terminated string argument <paramref name="argument"/> points to (a path, say).</summary>
    /// <inheritdoc cref="ReadString(ulong, int)"/>
    public string ReadStringArgument(int argument, int maxBytes = 4096) => ReadString(Args[argument], maxBytes);

    /// <summary>
    /// Reads a NUL-terminated UTF-8 string from the target's memory, through <c>/proc/PID/mem</c> opened and then
    /// confirmed with <c>SECCOMP_IOCTL_NOTIF_ID_VALID</c> (so the memory read is the caller's, not a recycled pid's).
    /// What is read may change right after (another thread of the target can rewrite it): decide on a copy, and do
    /// not answer <see cref="SeccompResponse.Continue"/> as a security decision.
    /// </summary>
    /// <param name="address">The string's address in the target.</param>
    /// <param name="maxBytes">The most bytes to read, the NUL included (default: PATH_MAX).</param>
    /// <exception cref="SeccompNotificationExpiredException">The call is gone.</exception>
    /// <exception cref="IOException">The memory cannot be read, or holds no NUL within <paramref name="maxBytes"/>.</exception>
    public string ReadString(ulong address, int maxBytes = 4096)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        using var mem = OpenMemory();
        var bytes = new byte[maxBytes];
        var length = 0;
        while (length < maxBytes)
        {
            // Up to the next page boundary: a string may end just before an unmapped page.
            var at = address + (ulong)length;
            var chunk = (int)Math.Min((ulong)(maxBytes - length), 4096 - (at & 4095));
            var n = mem.Read(at, bytes.AsSpan(length, chunk));
            var nul = Array.IndexOf(bytes, (byte)0, length, n);
            if (nul >= 0)
                return Encoding.UTF8.GetString(bytes, 0, nul);
            length += n;
            if (n < chunk)
                break;
        }
        throw new IOException($"no NUL within {length} bytes at 0x{address:x} in pid {Pid}");
    }

    /// <summary>Reads the target's memory at <paramref name="address"/> into <paramref name="destination"/>, checked as
    /// <see cref="ReadString(ulong, int)"/> is; returns the bytes read (fewer at an unmapped page).</summary>
    /// <exception cref="SeccompNotificationExpiredException">The call is gone.</exception>
    /// <exception cref="IOException">Nothing can be read at <paramref name="address"/>.</exception>
    public int ReadMemory(ulong address, Span<byte> destination)
    {
        using var mem = OpenMemory();
        var total = 0;
        while (total < destination.Length)
        {
            int n;
            try
            {
                n = mem.Read(address + (ulong)total, destination[total..]);
            }
            catch (IOException) when (total > 0)
            {
                break; // the rest is unmapped
            }
            if (n == 0)
                break;
            total += n;
        }
        return total;
    }

    /// <inheritdoc />
    public override string ToString() => $"pid {Pid}: {Syscall}({string.Join(", ", Args.Select(a => $"0x{a:x}"))})";

    private ProcessMemory OpenMemory()
    {
        var fd = Libc.Open($"/proc/{Pid}/mem", Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno is Errno.ENOENT or Errno.ESRCH || !IsValid())
                throw new SeccompNotificationExpiredException(Id, Pid);
            throw new IOException($"open(/proc/{Pid}/mem): {Errno.Name(errno)}");
        }
        var memory = new ProcessMemory(fd, Pid);
        // The pid was the caller's when the call was made; only now that the file is open is it known to still be.
        if (!IsValid())
        {
            memory.Dispose();
            throw new SeccompNotificationExpiredException(Id, Pid);
        }
        return memory;
    }

    private static ArchitectureInfo? AbiOf(uint auditArch, uint nr)
    {
        foreach (var arch in ArchitectureInfo.Family(ArchitectureInfo.Native))
        {
            var info = ArchitectureInfo.Get(arch);
            if (info.AuditArch != auditArch)
                continue;
            var isX32Number = nr >= ArchitectureInfo.X32Bit && nr != uint.MaxValue;
            if (arch == SeccompArchitecture.X86_64 && isX32Number)
                return ArchitectureInfo.Get(SeccompArchitecture.X32);
            if (arch == SeccompArchitecture.X32 && !isX32Number)
                continue;
            return info;
        }
        return null;
    }

    /// <summary>An open <c>/proc/PID/mem</c>.</summary>
    private readonly struct ProcessMemory(int fd, int pid) : IDisposable
    {
        public unsafe int Read(ulong address, Span<byte> destination)
        {
            if (address > long.MaxValue)
                throw new IOException($"pread(/proc/{pid}/mem at 0x{address:x}): EIO");
            fixed (byte* p = destination)
            {
                nint n;
                do
                    n = Libc.PRead(fd, p, (nuint)destination.Length, (long)address);
                while (n < 0 && Marshal.GetLastPInvokeError() == Errno.EINTR);
                if (n >= 0)
                    return (int)n;
            }
            throw new IOException($"pread(/proc/{pid}/mem at 0x{address:x}): {Errno.Name(Marshal.GetLastPInvokeError())}");
        }

        public void Dispose() => Libc.Close(fd);
    }
}
