using System.Runtime.InteropServices;
using Containment.Interop;

namespace Containment.Launch;

/// <summary>
/// The embedded executor binary, written once per process into a sealed memfd and executed from there:
/// no file on disk needs an exec bit, and nothing (a container included) can overwrite it.
/// </summary>
internal static class ExecutorImage
{
    private static readonly Lazy<int> Memfd = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The path that executes the sealed executor: <c>/proc/self/fd/N</c>.</summary>
    public static string Path => $"/proc/self/fd/{Memfd.Value}";

    private static unsafe int Create()
    {
        using var stream = typeof(ExecutorImage).Assembly.GetManifestResourceStream("containment-executor")
            ?? throw new ContainmentException("The executor is not embedded in Containment.dll: the build did not produce it.");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);

        var fd = Libc.MemfdCreate("containment-executor", Libc.MFD_CLOEXEC | Libc.MFD_ALLOW_SEALING);
        if (fd < 0)
            throw SyscallException.FromLastError("memfd_create", "containment-executor");
        try
        {
            fixed (byte* p = bytes)
            {
                nuint done = 0;
                while (done < (nuint)bytes.Length)
                {
                    var n = Libc.Write(fd, p + done, (nuint)bytes.Length - done);
                    if (n < 0)
                        throw SyscallException.FromLastError("write", "executor memfd");
                    done += (nuint)n;
                }
            }
            const int seals = Libc.F_SEAL_SEAL | Libc.F_SEAL_SHRINK | Libc.F_SEAL_GROW | Libc.F_SEAL_WRITE;
            if (Libc.Fcntl(fd, Libc.F_ADD_SEALS, seals) < 0)
                throw SyscallException.FromLastError("fcntl(F_ADD_SEALS)", "executor memfd");
            return fd;
        }
        catch
        {
            Libc.Close(fd);
            throw;
        }
    }
}
