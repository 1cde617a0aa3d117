using System.Collections.Immutable;
using System.Globalization;

namespace Containment.Mounts;

/// <summary>
/// Builds the container's mount list, in order: <c>m => m.Bind("/data", "/data", readOnly: true).Tmpfs("/tmp", size: 64 &lt;&lt; 20)</c>.
/// Starts from the current list (the standard mounts by default); <see cref="Clear"/> starts from nothing.
/// </summary>
public sealed class MountsBuilder
{
    private readonly ImmutableArray<Mount>.Builder _mounts;

    internal MountsBuilder(ImmutableArray<Mount> start) => _mounts = start.ToBuilder();

    internal ImmutableArray<Mount> ToImmutable() => _mounts.ToImmutable();

    /// <summary>Removes every mount, the standard ones included.</summary>
    public MountsBuilder Clear()
    {
        _mounts.Clear();
        return this;
    }

    /// <summary>Removes the mounts at <paramref name="destination"/>.</summary>
    public MountsBuilder Remove(string destination)
    {
        _mounts.RemoveAll(m => m.Destination == destination);
        return this;
    }

    /// <summary>Adds a mount given as an OCI entry.</summary>
    public MountsBuilder Add(Mount mount)
    {
        _mounts.Add(mount);
        return this;
    }

    /// <summary>Adds a mount given as an OCI entry: destination, type, source and option strings.</summary>
    public MountsBuilder Add(string destination, string type, string source, params string[] options) =>
        Add(new Mount(destination, type, source, options));

    /// <summary>
    /// Binds the host path <paramref name="source"/> (a directory or a file) at <paramref name="destination"/>.
    /// </summary>
    /// <param name="source">An absolute host path; it must exist.</param>
    /// <param name="destination">An absolute path inside the container.</param>
    /// <param name="readOnly">Read-only: with <paramref name="recursive"/>, every mount beneath too (<c>rro</c>).</param>
    /// <param name="flags">More options (nosuid, noexec...).</param>
    /// <param name="propagation">The bind's propagation; by default the root's.</param>
    /// <param name="recursive">Bind the mounts beneath <paramref name="source"/> too (<c>rbind</c>).</param>
    public MountsBuilder Bind(string source, string destination, bool readOnly = false, MountFlags flags = MountFlags.None,
        MountPropagation propagation = MountPropagation.Default, bool recursive = true)
    {
        var options = new List<string> { recursive ? "rbind" : "bind" };
        if (readOnly)
            flags |= recursive ? MountFlags.RecursiveReadOnly | MountFlags.ReadOnly : MountFlags.ReadOnly;
        options.AddRange(MountOptions.Names(flags));
        if (propagation != MountPropagation.Default)
            options.Add(MountOptions.Name(propagation));
        return Add(new Mount(destination, "bind", source, options.ToArray()));
    }

    /// <summary>Mounts a tmpfs (memory-backed, empty) at <paramref name="destination"/>.</summary>
    /// <param name="destination">An absolute path inside the container.</param>
    /// <param name="size">The size limit in bytes; null: the kernel's default (half of RAM).</param>
    /// <param name="mode">The root directory's permissions, e.g. <c>0x3ff</c> (01777); null: those of the directory it covers
    /// when the image has one (as runc), else 1777.</param>
    /// <param name="uid">The root directory's owner; with neither this nor <paramref name="gid"/>, the covered directory's.</param>
    /// <param name="gid">The root directory's group.</param>
    /// <param name="flags">Options; by default <c>nosuid,nodev</c>.</param>
    public MountsBuilder Tmpfs(string destination, long? size = null, uint? mode = null, uint? uid = null, uint? gid = null,
        MountFlags flags = MountFlags.NoSuid | MountFlags.NoDev)
    {
        var options = MountOptions.Names(flags).ToList();
        if (size is { } s)
            options.Add($"size={s.ToString(CultureInfo.InvariantCulture)}");
        if (mode is { } m)
            options.Add($"mode={Convert.ToString(m, 8)}");
        if (uid is { } u)
            options.Add($"uid={u.ToString(CultureInfo.InvariantCulture)}");
        if (gid is { } g)
            options.Add($"gid={g.ToString(CultureInfo.InvariantCulture)}");
        return Add(new Mount(destination, "tmpfs", "tmpfs", options.ToArray()));
    }

    /// <summary>Mounts a procfs for the container's pid namespace (<c>nosuid,noexec,nodev</c>).</summary>
    public MountsBuilder Proc(string destination = "/proc") =>
        Add(destination, "proc", "proc", "nosuid", "noexec", "nodev");

    /// <summary>Mounts a sysfs (read-only unless asked otherwise).</summary>
    public MountsBuilder Sysfs(string destination = "/sys", bool readOnly = true) =>
        readOnly ? Add(destination, "sysfs", "sysfs", "nosuid", "noexec", "nodev", "ro")
                 : Add(destination, "sysfs", "sysfs", "nosuid", "noexec", "nodev");

    /// <summary>Mounts the POSIX message queue filesystem of the container's IPC namespace.</summary>
    public MountsBuilder Mqueue(string destination = "/dev/mqueue") =>
        Add(destination, "mqueue", "mqueue", "nosuid", "noexec", "nodev");

    /// <summary>Mounts a new devpts instance (its own pty numbering); link <c>/dev/ptmx</c> to <c>pts/ptmx</c> with it.</summary>
    /// <param name="destination">Usually <c>/dev/pts</c>.</param>
    /// <param name="ptmxMode">The permissions of its <c>ptmx</c>.</param>
    /// <param name="mode">The permissions of new ptys.</param>
    /// <param name="gid">The group of new ptys (5 is <c>tty</c> on most systems); null: the opener's.</param>
    public MountsBuilder Devpts(string destination = "/dev/pts", uint ptmxMode = 0x1b6, uint mode = 0x190, uint? gid = 5)
    {
        var options = new List<string> { "nosuid", "noexec", "newinstance", $"ptmxmode={Convert.ToString(ptmxMode, 8).PadLeft(4, '0')}", $"mode={Convert.ToString(mode, 8).PadLeft(4, '0')}" };
        if (gid is { } g)
            options.Add($"gid={g.ToString(CultureInfo.InvariantCulture)}");
        return Add(new Mount(destination, "devpts", "devpts", options.ToArray()));
    }

    /// <summary>
    /// Mounts the container's view of the cgroup filesystem: cgroup2 on a unified host; on a v1 or hybrid host
    /// a tmpfs with one mount per hierarchy. Needs a new cgroup namespace, which makes the view start at the
    /// container's own cgroup.
    /// </summary>
    public MountsBuilder Cgroup(string destination = "/sys/fs/cgroup", bool readOnly = true) =>
        readOnly ? Add(destination, "cgroup", "cgroup", "nosuid", "noexec", "nodev", "ro")
                 : Add(destination, "cgroup", "cgroup", "nosuid", "noexec", "nodev");

    /// <summary>Mounts an overlay of host directories.</summary>
    /// <param name="destination">An absolute path inside the container.</param>
    /// <param name="lowerDirs">The read-only layers, uppermost first (absolute host paths).</param>
    /// <param name="upperDir">The writable layer, or null for a read-only overlay.</param>
    /// <param name="workDir">The work directory, on the same filesystem as <paramref name="upperDir"/>.</param>
    /// <param name="flags">More options.</param>
    public MountsBuilder Overlay(string destination, IEnumerable<string> lowerDirs, string? upperDir = null, string? workDir = null,
        MountFlags flags = MountFlags.None)
    {
        var options = MountOptions.Names(flags).ToList();
        options.Add("lowerdir=" + string.Join(":", lowerDirs));
        if (upperDir is not null)
            options.Add("upperdir=" + upperDir);
        if (workDir is not null)
            options.Add("workdir=" + workDir);
        return Add(new Mount(destination, "overlay", "overlay", options.ToArray()));
    }
}
