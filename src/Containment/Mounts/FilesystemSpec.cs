using System.Collections.Immutable;

namespace Containment.Mounts;

/// <summary>
/// Everything about the container's filesystem besides its root: the mounts in order, the device nodes in
/// <c>/dev</c>, the paths masked or made read-only, and whether the root itself is read-only. Immutable: every
/// <c>With*</c> method returns a changed copy.
/// </summary>
public sealed record FilesystemSpec
{
    /// <summary>The standard mounts: proc, a tmpfs <c>/dev</c>, devpts, <c>/dev/shm</c>, mqueue, a read-only sysfs.</summary>
    public static readonly ImmutableArray<Mount> DefaultMounts =
    [
        new("/proc", "proc", "proc", "nosuid", "noexec", "nodev"),
        new("/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k"),
        new("/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"),
        new("/dev/shm", "tmpfs", "shm", "nosuid", "noexec", "nodev", "mode=1777", "size=65536k"),
        new("/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev"),
        new("/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", "ro"),
    ];

    /// <summary>runc's masked paths: hidden behind <c>/dev/null</c> (files) or an empty read-only tmpfs (directories).</summary>
    public static readonly ImmutableArray<string> DefaultMaskedPaths =
    [
        "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
        "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap",
    ];

    /// <summary>runc's read-only paths: bound read-only over themselves.</summary>
    public static readonly ImmutableArray<string> DefaultReadonlyPaths =
    [
        "/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
    ];

    /// <summary>The default: standard mounts, no extra devices, runc's masked and read-only paths, a writable root.</summary>
    public static FilesystemSpec Default { get; } = new();

    /// <summary>The mounts, performed in this order after the root is in place.</summary>
    public ImmutableArray<Mount> Mounts { get; init; } = DefaultMounts;

    /// <summary>
    /// Device nodes created besides the standard ones (null, zero, full, random, urandom, tty). Created when
    /// <c>/dev</c> is not a bind mount; a device at the path of a standard one replaces it.
    /// </summary>
    public ImmutableArray<DeviceNode> Devices { get; init; } = [];

    /// <summary>Paths hidden from the container. A path that does not exist is skipped.</summary>
    public ImmutableArray<string> MaskedPaths { get; init; } = DefaultMaskedPaths;

    /// <summary>Paths made read-only (with everything mounted beneath them). A path that does not exist is skipped.</summary>
    public ImmutableArray<string> ReadonlyPaths { get; init; } = DefaultReadonlyPaths;

    /// <summary>The root mount is made read-only after every mount is in place (mounts on it stay as they are).</summary>
    public bool ReadOnlyRootfs { get; init; }

    /// <summary>The propagation of every mount in the container's mount namespace. Default: <c>rprivate</c>.</summary>
    public MountPropagation RootfsPropagation { get; init; }

    /// <summary>
    /// Device nodes are bound from the host's nodes at the same paths instead of created with mknod (needed where
    /// mknod is not allowed, e.g. in a user namespace; always done for a new user namespace).
    /// </summary>
    public bool DevicesByBind { get; init; }

    /// <summary>Changes the mounts, starting from the current list.</summary>
    public FilesystemSpec WithMounts(Action<MountsBuilder> build)
    {
        var builder = new MountsBuilder(Mounts);
        build(builder);
        return this with { Mounts = builder.ToImmutable() };
    }

    /// <summary>Adds a device node (replacing one at the same path).</summary>
    public FilesystemSpec WithDevice(DeviceNode device) =>
        this with { Devices = Devices.RemoveAll(d => d.Path == device.Path).Add(device) };

    /// <summary>Replaces the masked paths (empty: mask nothing).</summary>
    public FilesystemSpec WithMaskedPaths(IEnumerable<string> paths) => this with { MaskedPaths = [.. paths] };

    /// <summary>Replaces the read-only paths (empty: none).</summary>
    public FilesystemSpec WithReadonlyPaths(IEnumerable<string> paths) => this with { ReadonlyPaths = [.. paths] };

    /// <summary>Makes the root read-only (or writable).</summary>
    public FilesystemSpec WithReadOnlyRootfs(bool readOnly = true) => this with { ReadOnlyRootfs = readOnly };

    /// <summary>Sets the propagation of the container's mounts.</summary>
    public FilesystemSpec WithRootfsPropagation(MountPropagation propagation) => this with { RootfsPropagation = propagation };

    /// <summary>Binds device nodes from the host instead of creating them.</summary>
    public FilesystemSpec WithDevicesByBind(bool byBind = true) => this with { DevicesByBind = byBind };

    /// <summary>Value equality, lists compared by content.</summary>
    public bool Equals(FilesystemSpec? other) =>
        other is not null && Mounts.SequenceEqual(other.Mounts) && Devices.SequenceEqual(other.Devices) &&
        MaskedPaths.SequenceEqual(other.MaskedPaths) && ReadonlyPaths.SequenceEqual(other.ReadonlyPaths) &&
        ReadOnlyRootfs == other.ReadOnlyRootfs && RootfsPropagation == other.RootfsPropagation && DevicesByBind == other.DevicesByBind;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Mounts.Length, Devices.Length, ReadOnlyRootfs, RootfsPropagation);
}
