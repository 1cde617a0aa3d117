namespace Containment.Oci;

/// <summary>
/// What the state store keeps about one container: enough to recompute its live status (pid plus process start
/// time), to answer the OCI <c>state</c> operation, and a free-form map for the runtime's own data
/// (cgroup path, console socket, ...). The store never launches anything.
/// </summary>
internal sealed record ContainerRecord
{
    /// <summary>Value equality: the same data, lists and maps compared by content.</summary>
    public bool Equals(ContainerRecord? other) => OciEquality.Same(this, other, OciJsonContext.Default.ContainerRecord);

    /// <inheritdoc />
    public override int GetHashCode() => OciEquality.Hash(this, OciJsonContext.Default.ContainerRecord);

    /// <summary>The version of the record format.</summary>
    public string OciVersion { get; init; } = OciConfig.CurrentVersion;

    /// <summary>The container id (see <see cref="ContainerId"/>).</summary>
    public string Id { get; init; } = "";

    /// <summary>The absolute path of the bundle directory.</summary>
    public string Bundle { get; init; } = "";

    /// <summary>The status last recorded by the runtime (<c>creating</c>, <c>created</c>, <c>running</c>,
    /// <c>paused</c>); the live status is computed by <see cref="ContainerStateStore.GetStatus"/>.</summary>
    public OciStatus Status { get; init; } = OciStatus.Creating;

    /// <summary>The container's init process on the host; 0 before it exists.</summary>
    public int Pid { get; init; }

    /// <summary>The init process's start time (clock ticks since boot, <c>/proc/PID/stat</c> field 22).</summary>
    public ulong ProcessStartTime { get; init; }

    /// <summary>When the container was created.</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary>The annotations of the container's configuration.</summary>
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    /// <summary>Runtime-specific values, kept as given.</summary>
    public IReadOnlyDictionary<string, string>? RuntimeData { get; init; }

    /// <summary>A copy recording a process (its pid and its start time, read now).</summary>
    /// <exception cref="ContainerStateException">No process has that pid.</exception>
    public ContainerRecord WithProcess(int pid) =>
        ProcessIdentity.Of(pid) is { } process
            ? this with { Pid = process.Pid, ProcessStartTime = process.StartTime }
            : throw new ContainerStateException($"container {Id}: process {pid} does not exist");

    /// <summary>A copy recording a process identity.</summary>
    public ContainerRecord WithProcess(ProcessIdentity process) =>
        this with { Pid = process.Pid, ProcessStartTime = process.StartTime };

    /// <summary>The process this record refers to, or <c>null</c> before there is one.</summary>
    public ProcessIdentity? Process => Pid > 0 ? new ProcessIdentity(Pid, ProcessStartTime) : null;
}
