using Microsoft.Win32.SafeHandles;

namespace Containment;

/// <summary>Where one of a container's standard streams goes.</summary>
public abstract record Stdio
{
    private Stdio() { }

    /// <summary>The host process's own stream is passed through.</summary>
    public static Stdio Inherit { get; } = new InheritStdio();

    /// <summary>A pipe whose other end the host reads or writes (<see cref="ContainerProcess.StandardOutput"/> and friends).</summary>
    public static Stdio Pipe { get; } = new PipeStdio();

    /// <summary><c>/dev/null</c>.</summary>
    public static Stdio Null { get; } = new FileStdio("/dev/null", Append: false);

    /// <summary>A file on the host, created if missing; truncated unless <paramref name="append"/>.</summary>
    public static Stdio File(string path, bool append = false) => new FileStdio(path, append);

    /// <summary>An open file descriptor of the host's; it is duplicated, the caller keeps its own.</summary>
    public static Stdio Handle(SafeFileHandle handle) => new HandleStdio(handle);

    /// <summary>The host's stream.</summary>
    public sealed record InheritStdio : Stdio;

    /// <summary>A pipe to the host.</summary>
    public sealed record PipeStdio : Stdio;

    /// <summary>A host file.</summary>
    /// <param name="Path">An absolute path on the host.</param>
    /// <param name="Append">Append rather than truncate (output streams).</param>
    public sealed record FileStdio(string Path, bool Append) : Stdio;

    /// <summary>An open descriptor.</summary>
    /// <param name="SafeHandle">The descriptor; the caller keeps ownership.</param>
    public sealed record HandleStdio(SafeFileHandle SafeHandle) : Stdio;
}
