namespace Containment.Checkpoint;

/// <summary>A checkpoint or restore failed: what failed, and the end of CRIU's log that says why.</summary>
public sealed class CheckpointException : ContainmentException
{
    internal CheckpointException(string message, string? logTail, Exception? inner = null)
        : base(logTail is null ? message : message + Environment.NewLine + "criu log (end):" + Environment.NewLine + logTail, inner)
    {
        LogTail = logTail;
    }

    /// <summary>The last lines of CRIU's log (its errors come last), or null when CRIU wrote none.</summary>
    public string? LogTail { get; }

    /// <summary>Where the whole log is, or null.</summary>
    public string? LogPath { get; internal init; }
}
