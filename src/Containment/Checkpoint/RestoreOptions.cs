namespace Containment.Checkpoint;

/// <summary>
/// How <see cref="ContainerProcess.RestoreAsync"/> brings a checkpointed container back (runc's <c>restore</c> flags).
/// The new container's id, logger and detachment come from <see cref="ContainerStartOptions"/>.
/// </summary>
public sealed record RestoreOptions
{
    /// <summary>Where the checkpoint's images are (<see cref="CheckpointOptions.ImagePath"/>).</summary>
    public required string ImagePath { get; init; }

    /// <summary>Where CRIU writes its log (<c>restore.log</c>) and scratch files. Default: <see cref="ImagePath"/>.</summary>
    public string? WorkPath { get; init; }

    /// <summary>Restore established TCP connections (they must have been checkpointed with <see cref="CheckpointOptions.TcpEstablished"/>).</summary>
    public bool TcpEstablished { get; init; }

    /// <summary>Restore file locks.</summary>
    public bool FileLocks { get; init; }

    /// <summary>The container was checkpointed as a shell job.</summary>
    public bool ShellJob { get; init; }

    /// <summary>How CRIU restores the container's cgroups. Default: <see cref="CriuCgroupMode.Soft"/>.</summary>
    public CriuCgroupMode ManageCgroupsMode { get; init; } = CriuCgroupMode.Soft;
}
