namespace Containment;

/// <summary>The filesystem a container sees as <c>/</c>.</summary>
public abstract record RootfsSpec
{
    private RootfsSpec() { }

    /// <summary>A directory on the host holding the container's root filesystem.</summary>
    /// <param name="Path">An absolute path to the directory.</param>
    public sealed record Directory(string Path) : RootfsSpec;

    /// <summary>
    /// A read-only view of the host's own filesystem, with fresh <c>/proc</c>, <c>/dev</c>, <c>/sys</c> and
    /// empty writable <c>/tmp</c> and <c>/run</c>: runs host programs with no image to download.
    /// </summary>
    public sealed record HostReadOnly : RootfsSpec;

    /// <summary>The root of a running container whose mount namespace is joined (see <see cref="ContainerSpec.JoinRunning(int)"/>).</summary>
    /// <param name="Pid">The running container's first process.</param>
    public sealed record Joined(int Pid) : RootfsSpec;
}
