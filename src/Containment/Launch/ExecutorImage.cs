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

    /// <summary>The resource that holds the executor built for <paramref name="architecture"/>.</summary>
    internal static string ResourceName(Architecture architecture) => $"containment-executor-{architecture.ToString().ToLowerInvariant()}";

    /// <summary>The architectures an executor is embedded for, as <see cref="Architecture"/> names.</summary>
    internal static IEnumerable<string> EmbeddedArchitectures() =>
        typeof(ExecutorImage).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("containment-executor-", StringComparison.Ordinal))
            .Select(n => n["containment-executor-".Length..]);

    private static unsafe int Create()
    {
        var architecture = RuntimeInformation.ProcessArchitecture;
        using var stream = typeof(ExecutorImage).Assembly.GetManifestResourceStream(ResourceName(architecture))
            ?? throw new ContainmentException(
                $"Containment.dll embeds no executor for this process's architecture ({architecture}): it has one for {string.Join(", ", EmbeddedArchitectures())}. Containers run on linux-x64 and linux-arm64.");
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
