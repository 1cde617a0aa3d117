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
    /// Whether the process was killed by the kernel's OOM killer: it died of SIGKILL that its host did not send
    /// (<see cref="ContainerProcess.Kill"/>, <see cref="ContainerProcess.StopAsync"/>), and its cgroup's OOM-kill count
    /// grew while it ran. Known only for a container with a cgroup.
    /// </summary>
    public bool OomKilled { get; private init; }

    /// <summary>
    /// How many processes of the container the OOM killer killed while it ran (the growth of its cgroup's
    /// <c>oom_kill</c> count), whether or not the first process was one of them: a shell whose child was OOM-killed
    /// exits 137 with <see cref="OomKilled"/> false and this at 1. Zero without a cgroup.
    /// </summary>
    public long OomKills { get; private init; }

    /// <summary>Whether the host ended the process: <see cref="ContainerProcess.Kill"/> or a <see cref="ContainerProcess.StopAsync"/>.</summary>
    public bool KilledByHost { get; private init; }

    /// <summary>What the run cost (wall and CPU time, peak memory), or null when not measured (an exit made by hand).</summary>
    public ContainerUsage? Usage { get; private init; }

    /// <summary>The cgroup's memory limit in bytes when the process was OOM-killed (null when unlimited or unknown).</summary>
    public long? MemoryLimit { get; private init; }

    /// <summary>This exit with what the host knows about it: its usage, the OOM kills seen, whether the host killed it.</summary>
    internal ContainerExit With(ContainerUsage usage, long oomKills, bool killedByHost, long? memoryLimit)
    {
        var oomKilled = Signal == Containment.Signal.Kill && !killedByHost && oomKills > 0;
        return this with
        {
            Usage = usage, OomKills = oomKills, KilledByHost = killedByHost, OomKilled = oomKilled, MemoryLimit = oomKilled ? memoryLimit : null,
        };
    }

    /// <summary>Decodes a wait status as <c>waitpid</c> returns it.</summary>
    internal static ContainerExit FromWaitStatus(int status) => (status & 0x7f) == 0
        ? new ContainerExit { ExitCode = (status >> 8) & 0xff }
        : new ContainerExit { Signal = (Signal)(status & 0x7f), CoreDumped = (status & 0x80) != 0 };

    /// <summary>An exit with a code.</summary>
    public static ContainerExit Exited(int code) => new() { ExitCode = code };

    /// <summary>A death by signal.</summary>
    public static ContainerExit Killed(Signal signal) => new() { Signal = signal };

    /// <summary>The code a shell would report: the exit code, or 128 + the signal number.</summary>
    public int ShellCode => ExitCode ?? 128 + (int)Signal!.Value;

    /// <inheritdoc />
    public override string ToString() => (ExitCode is { } code ? $"exited with code {code}"
        : OomKilled ? $"killed by the OOM killer: memory limit {FormatBytes(MemoryLimit)}"
        : $"killed by SIG{Signal.ToString()!.ToUpperInvariant()}{(CoreDumped ? " (core dumped)" : "")}{(KilledByHost ? " from the host" : "")}")
        + (OomKills > 0 && !OomKilled ? $" ({OomKills} of its processes killed by the OOM killer)" : "");

    private static string FormatBytes(long? bytes) => bytes switch
    {
        null => "none (the host ran out of memory)",
        >= Cgroups.ByteSize.GiB when bytes % Cgroups.ByteSize.GiB == 0 => $"{bytes / Cgroups.ByteSize.GiB} GiB",
        >= Cgroups.ByteSize.MiB when bytes % Cgroups.ByteSize.MiB == 0 => $"{bytes / Cgroups.ByteSize.MiB} MiB",
        >= Cgroups.ByteSize.KiB when bytes % Cgroups.ByteSize.KiB == 0 => $"{bytes / Cgroups.ByteSize.KiB} KiB",
        _ => $"{bytes} bytes",
    };
}
