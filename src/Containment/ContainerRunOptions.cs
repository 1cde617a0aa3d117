namespace Containment;

/// <summary>How <see cref="ContainerProcess.RunAsync"/> runs a container to completion.</summary>
public sealed record ContainerRunOptions
{
    /// <summary>
    /// The wall-clock time the program may run, from its exec; then it is stopped (SIGTERM, SIGKILL after
    /// <see cref="StopGrace"/>) and the result says <see cref="ContainerRunResult.TimedOut"/>. Null: no limit.
    /// </summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>How long a stopped program has between SIGTERM and SIGKILL. Zero: SIGKILL at once. Default: 2 s.</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The most characters kept of each of standard output and error; the rest is read and dropped, and the result
    /// says it was truncated. Default: 1 Mi characters.
    /// </summary>
    public int OutputLimit { get; init; } = 1 << 20;

    /// <summary>Text written to the program's standard input, which is then closed. Null: standard input is as the spec says (default: <c>/dev/null</c>).</summary>
    public string? StandardInput { get; init; }

    /// <summary>How the container is started: id, logger, seccomp handlers.</summary>
    public ContainerStartOptions Start { get; init; } = new();
}
