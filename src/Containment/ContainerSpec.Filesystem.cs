using Containment.Mounts;

namespace Containment;

public sealed partial record ContainerSpec
{
    /// <summary>
    /// Mounts, device nodes, masked and read-only paths, and whether the root is read-only. Default:
    /// <see cref="FilesystemSpec.Default"/> (proc, a tmpfs /dev with the standard nodes, devpts, shm, mqueue, a read-only
    /// sysfs; runc's masked and read-only paths).
    /// </summary>
    public FilesystemSpec Filesystem { get; private init; } = FilesystemSpec.Default;

    /// <summary>Changes the mounts, starting from the current list, e.g. <c>m => m.Bind("/data", "/data", readOnly: true).Tmpfs("/tmp")</c>.</summary>
    public ContainerSpec WithMounts(Action<MountsBuilder> build) => this with { Filesystem = Filesystem.WithMounts(build) };

    /// <summary>Replaces the whole filesystem description.</summary>
    public ContainerSpec WithFilesystem(FilesystemSpec filesystem) => this with { Filesystem = filesystem };

    /// <summary>Changes the filesystem description, starting from the current one.</summary>
    public ContainerSpec WithFilesystem(Func<FilesystemSpec, FilesystemSpec> change) => this with { Filesystem = change(Filesystem) };

    /// <summary>Adds a device node to the container's <c>/dev</c> (replacing one at the same path).</summary>
    public ContainerSpec WithDevice(DeviceNode device) => this with { Filesystem = Filesystem.WithDevice(device) };

    /// <summary>Adds a device node to the container's <c>/dev</c>: e.g. <c>WithDevice("/dev/fuse", DeviceNodeType.Char, 10, 229)</c>.</summary>
    public ContainerSpec WithDevice(string path, DeviceNodeType type, uint major, uint minor, uint fileMode = 0x1b6, uint uid = 0, uint gid = 0) =>
        WithDevice(new DeviceNode(path, type, major, minor, fileMode, uid, gid));

    /// <summary>Replaces the masked paths (default: runc's list; empty: mask nothing).</summary>
    public ContainerSpec WithMaskedPaths(params IEnumerable<string> paths) => this with { Filesystem = Filesystem.WithMaskedPaths(paths) };

    /// <summary>Replaces the read-only paths (default: runc's list; empty: none).</summary>
    public ContainerSpec WithReadonlyPaths(params IEnumerable<string> paths) => this with { Filesystem = Filesystem.WithReadonlyPaths(paths) };

    /// <summary>Makes the root filesystem read-only once every mount is in place; mounts on it (tmpfs...) stay writable.</summary>
    public ContainerSpec WithReadOnlyRootfs(bool readOnly = true) => this with { Filesystem = Filesystem.WithReadOnlyRootfs(readOnly) };

    /// <summary>Sets the propagation of the container's mounts (default <c>rprivate</c>; <c>rslave</c> receives host mounts).</summary>
    public ContainerSpec WithRootfsPropagation(MountPropagation propagation) => this with { Filesystem = Filesystem.WithRootfsPropagation(propagation) };
}
