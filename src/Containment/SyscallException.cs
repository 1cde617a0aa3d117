using System.Runtime.InteropServices;
using Containment.Interop;

namespace Containment;

/// <summary>A system call failed: names the call, the object it acted on, and the errno.</summary>
public class SyscallException : ContainmentException
{
    /// <summary>Creates the exception.</summary>
    internal SyscallException(string syscall, string subject, int errno, string? context = null)
        : this(syscall, subject, errno, context, null)
    {
    }

    private protected SyscallException(string syscall, string subject, int errno, string? context, string? hint)
        : base(Format(syscall, subject, errno, context) + (hint is null ? "" : ": " + hint))
    {
        Syscall = syscall;
        Subject = subject;
        Errno = errno;
    }

    /// <summary>The system call (<c>mount</c>, <c>pivot_root</c>).</summary>
    public string Syscall { get; }

    /// <summary>What it acted on: a path, a file, a namespace.</summary>
    public string Subject { get; }

    /// <summary>The errno value.</summary>
    public int Errno { get; }

    /// <summary>The errno's symbolic name (<c>EINVAL</c>).</summary>
    public string ErrnoName => Interop.Errno.Name(Errno);

    internal static SyscallException FromLastError(string syscall, string subject) =>
        new(syscall, subject, Marshal.GetLastPInvokeError());

    internal static string Format(string syscall, string subject, int errno, string? context) =>
        $"{(context is null ? "" : context + ": ")}{syscall}({subject}): {Interop.Errno.Name(errno)} ({Marshal.GetPInvokeErrorMessage(errno)})";
}
