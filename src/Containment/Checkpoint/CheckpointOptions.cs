namespace Containment.Checkpoint;

/// <summary>How <see cref="ContainerProcess.CheckpointAsync"/> checkpoints a container (runc's <c>checkpoint</c> flags).</summary>
public sealed record CheckpointOptions
{
    /// <summary>Where CRIU writes the images (created if missing). Restore reads them from here.</summary>
    public required string ImagePath { get; init; }

    /// <summary>Where CRIU writes its log (<c>dump.log</c>, <c>pre-dump.log</c>) and scratch files. Default: <see cref="ImagePath"/>.</summary>
    public string? WorkPath { get; init; }

    /// <summary>Leave the container running after the checkpoint (default: CRIU kills it once its state is saved).</summary>
    public bool LeaveRunning { get; init; }

    /// <summary>Checkpoint established TCP connections (CRIU's TCP repair mode).</summary>
    public bool TcpEstablished { get; init; }

    /// <summary>Checkpoint file locks.</summary>
    public bool FileLocks { get; init; }

    /// <summary>The container shares its session and terminal with its host (a shell job).</summary>
    public bool ShellJob { get; init; }

    /// <summary>
    /// Only dump the memory, for an iterative migration: the container keeps running, and a later checkpoint with
    /// <see cref="ParentPath"/> pointing here saves only the pages written since.
    /// </summary>
    public bool PreDump { get; init; }

    /// <summary>The images of a previous pre-dump, relative to <see cref="ImagePath"/> (as runc and CRIU take it) or absolute.</summary>
    public string? ParentPath { get; init; }

    /// <summary>How CRIU saves the container's cgroups. Default: <see cref="CriuCgroupMode.Soft"/> (runc's).</summary>
    public CriuCgroupMode ManageCgroupsMode { get; init; } = CriuCgroupMode.Soft;
}
