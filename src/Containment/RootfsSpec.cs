using System.Collections.Immutable;

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
    /// empty writable <c>/tmp</c> and <c>/run</c>: runs host programs with no image to download. The root is a small
    /// read-only tmpfs holding the host's top-level directories bound read-only, so a mount can go to any new path
    /// directly beneath <c>/</c>, <c>/tmp</c> or <c>/run</c> without writing to the host. The caller's private places
    /// (<see cref="HiddenPaths"/>) are covered by empty read-only directories.
    /// </summary>
    public sealed record HostReadOnly : RootfsSpec
    {
        /// <summary>The default size limit of the fresh <c>/tmp</c> and <c>/run</c>: 64 MiB each.</summary>
        public const long DefaultTmpfsSize = 64L << 20;

        /// <summary>The size limit of the fresh <c>/tmp</c> (mode 1777), in bytes.</summary>
        public long TmpSize { get; init; } = DefaultTmpfsSize;

        /// <summary>The size limit of the fresh <c>/run</c> (mode 0755), in bytes.</summary>
        public long RunSize { get; init; } = DefaultTmpfsSize;

        /// <summary>
        /// Host directories covered by an empty read-only directory. Default: <see cref="CallerPrivatePaths"/>. A path
        /// that does not exist on the host, or lies in the fresh <c>/tmp</c> or <c>/run</c>, needs no cover.
        /// </summary>
        public ImmutableArray<string> HiddenPaths { get; init; } = CallerPrivatePaths();

        /// <summary>
        /// The places where the calling process and its user keep what a container must not reach (sockets such as
        /// .NET's diagnostics socket <c>dotnet-diagnostic-PID-*-socket</c>, agents, temporary files): <c>$TMPDIR</c>,
        /// <c>$XDG_RUNTIME_DIR</c> and <c>/var/tmp</c>. (<c>/tmp</c> and <c>/run</c>, with <c>/run/user</c>, are fresh.)
        /// </summary>
        public static ImmutableArray<string> CallerPrivatePaths()
        {
            var paths = ImmutableArray.CreateBuilder<string>();
            foreach (var variable in new[] { "TMPDIR", "XDG_RUNTIME_DIR" })
                if (Environment.GetEnvironmentVariable(variable) is { } value && System.IO.Path.IsPathFullyQualified(value))
                    paths.Add(System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(value)));
            paths.Add("/var/tmp");
            return paths.Distinct().ToImmutableArray();
        }

        /// <summary>Sets the size limit of <c>/tmp</c> in bytes.</summary>
        public HostReadOnly WithTmpSize(long bytes) => this with { TmpSize = bytes };

        /// <summary>Sets the size limit of <c>/run</c> in bytes.</summary>
        public HostReadOnly WithRunSize(long bytes) => this with { RunSize = bytes };

        /// <summary>Covers more host directories (absolute paths) with an empty read-only directory.</summary>
        public HostReadOnly Hide(params IEnumerable<string> paths) => this with { HiddenPaths = HiddenPaths.AddRange(paths) };

        /// <summary>Value equality, the hidden paths compared by content.</summary>
        public bool Equals(HostReadOnly? other) =>
            other is not null && TmpSize == other.TmpSize && RunSize == other.RunSize && HiddenPaths.SequenceEqual(other.HiddenPaths);

        /// <inheritdoc />
        public override int GetHashCode() => HashCode.Combine(TmpSize, RunSize, HiddenPaths.Length);
    }

    /// <summary>The root of a running container whose mount namespace is joined (see <see cref="ContainerSpec.JoinRunning(int)"/>).</summary>
    /// <param name="Pid">The running container's first process.</param>
    public sealed record Joined(int Pid) : RootfsSpec
    {
        /// <summary>
        /// The start time of <see cref="Pid"/> when the spec was made (field 22 of <c>/proc/PID/stat</c>), or null: a
        /// launch refuses the pid when its process has another one (it exited and the pid was recycled).
        /// </summary>
        internal ulong? StartTime { get; init; }
    }
}
