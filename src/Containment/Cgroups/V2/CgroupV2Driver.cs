using Containment.Cgroups.Controllers;
using Containment.Cgroups.Devices;
using Containment.Cgroups.Fs;
using Microsoft.Extensions.Logging;

namespace Containment.Cgroups.V2;

/// <summary>
/// The cgroup v2 driver: one leaf in the unified hierarchy, controllers enabled in each ancestor's
/// <c>cgroup.subtree_control</c>, devices enforced by an eBPF program.
/// </summary>
/// <param name="hierarchy">The cgroup2 mount.</param>
/// <param name="alsoEnable">Controllers to enable for statistics even when the spec does not set them (those available).</param>
/// <param name="attacher">Attaches device filters (the real bpf(2) one, or a test double).</param>
/// <param name="logger">Where to log.</param>
internal sealed class CgroupV2Driver(CgroupHierarchy hierarchy, IReadOnlyList<string> alsoEnable, IDeviceFilterAttacher attacher, ILogger? logger) : CgroupDriver
{
    public CgroupHierarchy Hierarchy { get; } = hierarchy;

    /// <summary>The controllers the hierarchy's root offers (<c>cgroup.controllers</c>).</summary>
    public IReadOnlySet<string> Available()
    {
        using var root = CgroupDirectory.OpenRoot(Hierarchy.MountPoint);
        return (root.TryRead("cgroup.controllers") ?? "").Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries).ToHashSet();
    }

    public override CgroupPart Create(CgroupSpec spec, IReadOnlyList<CgroupController> controllers, string containerId, string? cgroupsPath)
    {
        var path = CgroupPath.Resolve(cgroupsPath, containerId, Hierarchy);
        var available = Available();
        var needed = controllers.Where(c => c.IsV2Controller && c.IsRequested(spec)).Select(c => c.Name)
            .Concat(spec.Unified.Count > 0 ? UnifiedController.ControllersOf(spec).Where(available.Contains) : [])
            .Distinct().ToList();
        var missing = needed.Where(c => !available.Contains(c) && !spec.Optional.Contains(c)).ToList();
        if (missing.Count > 0)
            throw new CgroupException($"the running kernel cannot honour the {string.Join(", ", missing)} settings: not in {Hierarchy.MountPoint}/cgroup.controllers ({string.Join(" ", available)})", missing[0], "cgroup.controllers");
        var enable = needed.Where(available.Contains).Concat(alsoEnable.Where(available.Contains)).Distinct().ToList();

        var root = CgroupDirectory.OpenRoot(Hierarchy.MountPoint);
        var created = new List<string>();
        CgroupDirectory leaf;
        try
        {
            leaf = root.CreateDirectories(path, created);
        }
        catch
        {
            foreach (var dir in Enumerable.Reverse(created)) root.RemoveDirectory(dir);
            root.Dispose();
            throw;
        }
        var node = new CgroupNode(Hierarchy, root, path, leaf, created);
        var part = new CgroupV2Part(node, controllers, attacher, logger);
        try
        {
            EnableControllers(node, enable);
            part.Apply(spec);
            part.OpenProcsFile();
            logger?.LogDebug("cgroup v2: {Path} ({Created} created; enabled {Controllers})", node.Path, created.Count, string.Join(",", enable));
            return part;
        }
        catch
        {
            part.Destroy();
            throw;
        }
    }

    /// <summary>Writes <c>+controller</c> to the subtree_control of the root and of every ancestor of the leaf that lacks it.</summary>
    private void EnableControllers(CgroupNode node, IReadOnlyList<string> enable)
    {
        if (enable.Count == 0) return;
        var parts = node.RelativePath.Split('/');
        for (var depth = 0; depth < parts.Length; depth++)
        {
            using var dir = node.Root.TryOpenDirectory(string.Join("/", parts.Take(depth)))
                ?? throw new CgroupException($"{Hierarchy.MountPoint}/{string.Join("/", parts.Take(depth))} disappeared");
            var enabled = dir.Read("cgroup", "cgroup.subtree_control").Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries)
                .Select(c => c.TrimStart('+')).ToHashSet();
            var add = enable.Where(c => !enabled.Contains(c)).ToList();
            if (add.Count == 0) continue;
            try
            {
                dir.Write(add[0], "cgroup.subtree_control", string.Join(" ", add.Select(c => "+" + c)));
            }
            catch (CgroupException e)
            {
                throw new CgroupException($"cannot enable {string.Join(", ", add)} in {dir.Path}/cgroup.subtree_control " +
                    "(a cgroup v2 parent with processes of its own cannot delegate controllers): " + e.Message, add[0], "cgroup.subtree_control", e.Errno, e);
            }
        }
    }
}
