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

    /// <summary>The detached tree of the bind mount at index <paramref name="mount"/>, and whether its source is a directory.</summary>
    public (SafeFileHandle Tree, bool IsDirectory)? Bind(int mount) => _binds.TryGetValue(mount, out var b) ? b : null;

    /// <summary>The detached tree of the host's device node at <paramref name="path"/>.</summary>
    public SafeFileHandle? Device(string path) => _devices.GetValueOrDefault(path);

    /// <summary>
    /// Whether binds are made by host path inside the child instead: an unprivileged host cannot clone mount trees
    /// (open_tree needs CAP_SYS_ADMIN over the host's mount namespace); its child can, once it owns a user and a
    /// mount namespace. The paths are still the caller's, resolved before any container process runs.
    /// </summary>
    public bool ByPath { get; private init; }

    /// <summary>Opens every bind source (and, when devices are bound, every host device node); throws listing every failure.</summary>
    public static MountSources Open(ContainerSpec spec)
    {
        if (Identity.Rootless.IsRootless)
            return new MountSources { ByPath = true };
        var sources = new MountSources();
        var errors = new List<SpecError>();
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
