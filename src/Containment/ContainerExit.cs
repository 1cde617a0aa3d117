namespace Containment;

/// <summary>How a container's process ended: an exit code, or the signal that killed it.</summary>
public readonly record struct ContainerExit
{
    /// <summary>The exit code, when the process exited.</summary>
    public int? ExitCode { get; private init; }

    /// <summary>The signal that killed the process, when it was killed.</summary>
    public Signal? Signal { get; private init; }

    /// <summary>Whether the kernel wrote a core dump.</summary>
    public bool CoreDumped { get; private init; }

    /// <summary>
    /// Whether the process was killed by the kernel's OOM killer: it died of SIGKILL and its cgroup counted an
    /// OOM kill. Known only for a container with a cgroup.
    /// </summary>
    public bool OomKilled { get; private init; }

    /// <summary>The cgroup's memory limit in bytes when the process was OOM-killed (null when unlimited or unknown).</summary>
    public long? MemoryLimit { get; private init; }

    /// <summary>This exit, marked as the OOM killer's work under <paramref name="memoryLimit"/>.</summary>
    internal ContainerExit AsOomKill(long? memoryLimit) => this with { OomKilled = true, MemoryLimit = memoryLimit };

    /// <summary>Decodes a wait status as <c>waitpid</c> returns it.</summary>
    public static ContainerExit FromWaitStatus(int status) => (status & 0x7f) == 0
        ? new ContainerExit { ExitCode = (status >> 8) & 0xff }
        : new ContainerExit { Signal = (Signal)(status & 0x7f), CoreDumped = (status & 0x80) != 0 };

    /// <summary>An exit with a code.</summary>
    public static ContainerExit Exited(int code) => new() { ExitCode = code };

    /// <summary>A death by signal.</summary>
    public static ContainerExit Killed(Signal signal) => new() { Signal = signal };

    /// <summary>The code a shell would report: the exit code, or 128 + the signal number.</summary>
    public int ShellCode => ExitCode ?? 128 + (int)Signal!.Value;

    /// <inheritdoc />
    public override string ToString() => ExitCode is { } code ? $"exited with code {code}"
        : OomKilled ? $"killed by the OOM killer: memory limit {FormatBytes(MemoryLimit)}"
        : $"killed by SIG{Signal.ToString()!.ToUpperInvariant()}{(CoreDumped ? " (core dumped)" : "")}";

    private static string FormatBytes(long? bytes) => bytes switch
    {
        null => "none (the host ran out of memory)",
        >= Cgroups.ByteSize.GiB when bytes % Cgroups.ByteSize.GiB == 0 => $"{bytes / Cgroups.ByteSize.GiB} GiB",
        >= Cgroups.ByteSize.MiB when bytes % Cgroups.ByteSize.MiB == 0 => $"{bytes / Cgroups.ByteSize.MiB} MiB",
        >= Cgroups.ByteSize.KiB when bytes % Cgroups.ByteSize.KiB == 0 => $"{bytes / Cgroups.ByteSize.KiB} KiB",
        _ => $"{bytes} bytes",
    };
}
