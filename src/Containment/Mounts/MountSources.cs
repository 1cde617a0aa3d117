using System.Runtime.InteropServices;
using Containment.Interop;
using Microsoft.Win32.SafeHandles;

namespace Containment.Mounts;

/// <summary>
/// What the host opens for the container's bind mounts before it starts: each source opened with
/// <c>O_PATH</c> on the host side, and cloned there into a detached mount tree (open_tree) that the executor
/// only attaches. The child never resolves a host path, and a source that changes after this point changes
/// nothing. Closing a tree that was never attached dissolves it.
/// </summary>
internal sealed class MountSources : IDisposable
{
    private readonly Dictionary<int, (SafeFileHandle Tree, bool IsDirectory)> _binds = [];
    private readonly Dictionary<string, SafeFileHandle> _devices = [];
    private readonly Dictionary<int, (HostPath Path, uint Slot, bool Recursive)> _paths = [];
    private readonly Dictionary<string, (HostPath Path, uint Slot, bool Recursive)> _devicePaths = [];

    /// <summary>The rootfs directory as the host checked it (<see cref="RootfsSpec.Directory"/>), which the child binds and enters.</summary>
    public HostPath? Root { get; private set; }

    /// <summary>The checked source of the bind mount at index <paramref name="mount"/> and its slot (by-path binds).</summary>
    public (HostPath Path, uint Slot, bool Recursive)? Path(int mount) => _paths.TryGetValue(mount, out var p) ? p : null;

    /// <summary>The checked host device node at <paramref name="path"/> and its slot (by-path binds).</summary>
    public (HostPath Path, uint Slot, bool Recursive)? DevicePath(string path) => _devicePaths.TryGetValue(path, out var p) ? p : null;

    /// <summary>Every by-path source, in slot order: what the child opens first thing (OP_OPEN_SOURCE).</summary>
    public IEnumerable<(HostPath Path, uint Slot, bool Recursive)> PathSources => _paths.Values.Concat(_devicePaths.Values).OrderBy(p => p.Slot);

    /// <summary>The detached tree of the bind mount at index <paramref name="mount"/>, and whether its source is a directory.</summary>
    public (SafeFileHandle Tree, bool IsDirectory)? Bind(int mount) => _binds.TryGetValue(mount, out var b) ? b : null;

    /// <summary>The detached tree of the host's device node at <paramref name="path"/>.</summary>
    public SafeFileHandle? Device(string path) => _devices.GetValueOrDefault(path);

    /// <summary>
    /// Whether binds are made from host paths the child opens instead: an unprivileged host cannot clone mount trees
    /// (open_tree needs CAP_SYS_ADMIN over the host's mount namespace); its child can, once it owns a user and a
    /// mount namespace. The host records each source (canonical path, device, inode); the child opens it with no
    /// symlink on the way and refuses any other object (<see cref="HostPath"/>).
    /// </summary>
    public bool ByPath { get; private init; }

    /// <summary>Opens every bind source (and, when devices are bound, every host device node); throws listing every failure.</summary>
    public static MountSources Open(ContainerSpec spec) => Open(spec, Identity.Rootless.IsRootless);

    /// <summary>As <see cref="Open(ContainerSpec)"/>, by path (rootless) or as trees (root) as asked.</summary>
    internal static MountSources Open(ContainerSpec spec, bool byPath)
    {
        var sources = new MountSources { ByPath = byPath };
        var errors = new List<SpecError>();
        // Resolved once, here: symlinks on the way are the caller's choice, but the child binds exactly this directory.
        // A rootfs that cannot be opened is left to the child's bind by path, whose step names the error.
        if (spec.Rootfs is RootfsSpec.Directory dir)
            sources.Root = HostPath.Open(dir.Path, allowSymlinks: true, out _);
        if (sources.ByPath)
            return OpenPaths(spec, sources, errors);
        try
        {
            var mounts = spec.Filesystem.Mounts;
            for (var i = 0; i < mounts.Length; i++)
            {
                var m = mounts[i];
                if (!m.IsBind)
                    continue;
                var recursive = MountOptions.Parse(m.Options.IsDefault ? [] : m.Options).Recursive;
                var opened = OpenTree(m.Source, recursive, out var error);
                if (opened is null)
                    errors.Add(new SpecError(MountValidator.Field(i, m), error!));
                else
                    sources._binds[i] = opened.Value;
            }
            if (RootfsPlanner.DevicesByBind(spec))
            {
                foreach (var d in RootfsPlanner.Devices(spec))
                {
                    var opened = OpenTree(d.Path, recursive: false, out var error, d);
                    if (opened is null)
                        errors.Add(new SpecError($"devices ({d.Path})", error!));
                    else
                        sources._devices[d.Path] = opened.Value.Tree;
                }
            }
        }
        catch
        {
            sources.Dispose();
            throw;
        }
        if (errors.Count > 0)
        {
            sources.Dispose();
            throw new ContainerSpecException(errors);
        }
        return sources;
    }

    /// <summary>The rootless way: every source checked and recorded, nothing opened for the child.</summary>
    private static MountSources OpenPaths(ContainerSpec spec, MountSources sources, List<SpecError> errors)
    {
        var mounts = spec.Filesystem.Mounts;
        uint slot = 0;
        for (var i = 0; i < mounts.Length; i++)
        {
            var m = mounts[i];
            if (!m.IsBind)
                continue;
            var options = MountOptions.Parse(m.Options.IsDefault ? [] : m.Options);
            var path = HostPath.Open(m.Source!, options.SourceSymlinks, out var error);
            if (path is null)
                errors.Add(new SpecError(MountValidator.Field(i, m), error!));
            else
                sources._paths[i] = (path.Value, slot++, options.Recursive);
        }
        if (RootfsPlanner.DevicesByBind(spec))
        {
            foreach (var d in RootfsPlanner.Devices(spec))
            {
                var path = HostPath.Open(d.Path, allowSymlinks: false, out var error);
                if (path is { } p && !RootfsPlanner.Matches(d, p.Mode, p.RdevMajor, p.RdevMinor))
                    error = $"the host's {d.Path} is not the device {d.Type} {d.Major}:{d.Minor}";
                if (error is not null)
                    errors.Add(new SpecError($"devices ({d.Path})", error));
                else
                    sources._devicePaths[d.Path] = (path!.Value, slot++, false);
            }
        }
        if (errors.Count > 0)
            throw new ContainerSpecException(errors);
        return sources;
    }

    private static (SafeFileHandle Tree, bool IsDirectory)? OpenTree(string source, bool recursive, out string? error, DeviceNode? device = null)
    {
        error = null;
        var fd = Libc.Open(source, Libc.O_PATH | Libc.O_CLOEXEC, 0);
        if (fd < 0)
        {
            error = $"open({source}): {Errno.Name(Marshal.GetLastPInvokeError())}";
            return null;
        }
        using var path = new SafeFileHandle(fd, ownsHandle: true);
        var stat = Libc.FStatType(fd);
        if (stat is null)
        {
            error = $"statx({source}): {Errno.Name(Marshal.GetLastPInvokeError())}";
            return null;
        }
        if (device is not null && !RootfsPlanner.Matches(device, stat.Value.Mode, stat.Value.Major, stat.Value.Minor))
        {
            error = $"the host's {source} is not the device {device.Type} {device.Major}:{device.Minor}";
            return null;
        }
        var tree = Libc.OpenTree(fd, Libc.OPEN_TREE_CLONE | Libc.OPEN_TREE_CLOEXEC | (recursive ? Libc.AT_RECURSIVE : 0));
        if (tree < 0)
        {
            error = $"open_tree({source}): {Errno.Name(Marshal.GetLastPInvokeError())}";
            return null;
        }
        return (new SafeFileHandle(tree, ownsHandle: true), (stat.Value.Mode & Libc.S_IFMT) == Libc.S_IFDIR);
    }

    public void Dispose()
    {
        foreach (var (tree, _) in _binds.Values)
            tree.Dispose();
        foreach (var tree in _devices.Values)
            tree.Dispose();
        _binds.Clear();
        _devices.Clear();
    }
}
