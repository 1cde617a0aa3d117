using Microsoft.Win32.SafeHandles;

namespace Containment.Runtime;

/// <summary>
/// <c>--preserve-fds N</c>: the caller's fds 3 … 3+N-1 pass to the container's process as the same numbers (runc's
/// rule; systemd socket activation and conmon rely on it). Each must be open.
/// </summary>
internal static class PreservedFds
{
    public static ProcessSpec Apply(ProcessSpec process, Args a)
    {
        if (a.Value("preserve-fds") is not { } text)
            return process;
        if (!int.TryParse(text, out var count) || count < 0 || count > 1000)
            throw new CliException($"--preserve-fds {text}: expected a count from 0 to 1000");
        var files = new List<SafeFileHandle>();
        for (var fd = 3; fd < 3 + count; fd++)
        {
            if (!Interop.IsOpen(fd))
                throw new CliException($"--preserve-fds {count}: fd {fd} is not open");
            files.Add(new SafeFileHandle(fd, ownsHandle: false));
        }
        return process with { ExtraFiles = [.. files] };
    }
}
