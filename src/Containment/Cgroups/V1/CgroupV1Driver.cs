using Containment.Cgroups.Controllers;
using Containment.Cgroups.Devices;
using Containment.Cgroups.Fs;
using Microsoft.Extensions.Logging;

namespace Containment.Cgroups.V1;

/// <summary>The cgroup v1 driver: one directory per mounted hierarchy, joined by writing the pid into each.</summary>
internal sealed class CgroupV1Driver(IReadOnlyList<CgroupHierarchy> hierarchies, ILogger? logger) : CgroupDriver
{
    public IReadOnlyList<CgroupHierarchy> Hierarchies { get; } = hierarchies;

    public override CgroupPart Create(CgroupSpec spec, IReadOnlyList<CgroupController> controllers, string containerId, string? cgroupsPath)
    {
        var paths = Hierarchies.Select(h => CgroupPath.Resolve(cgroupsPath, containerId, h)).ToList();
        var nodes = new List<CgroupNode>();
        try
        {
            for (var i = 0; i < Hierarchies.Count; i++)
            {
                var hierarchy = Hierarchies[i];
                var root = CgroupDirectory.OpenRoot(hierarchy.MountPoint);
                var created = new List<string>();
                CgroupDirectory leaf;
                try { leaf = root.CreateDirectories(paths[i], created); }
                catch
                {
                    foreach (var dir in Enumerable.Reverse(created)) root.RemoveDirectory(dir);
                    root.Dispose();
                    throw;
                }
                var node = new CgroupNode(hierarchy, root, paths[i], leaf, created);
                nodes.Add(node);
                logger?.LogDebug("cgroup v1: {Path} ({Created} created)", node.Path, created.Count);
                if (hierarchy.Controllers.Contains("cpuset")) InheritCpuset(node);
            }
            var part = new CgroupV1Part(nodes, controllers, logger);
            part.Apply(spec);
            part.OpenProcsFiles();
            return part;
        }
        catch
        {
            new CgroupV1Part(nodes, controllers, logger).Destroy();
            throw;
        }
    }

    /// <summary>
    /// Opens the container's existing directories (same paths as <see cref="Create"/>) without creating or writing
    /// anything; hierarchies where the directory does not exist are skipped. Null when none exists.
    /// </summary>
    public CgroupV1Part? Open(string containerId, string? cgroupsPath)
    {
        var paths = Hierarchies.Select(h => CgroupPath.Resolve(cgroupsPath, containerId, h)).ToList();
        var nodes = new List<CgroupNode>();
        try
        {
            for (var i = 0; i < Hierarchies.Count; i++)
            {
                if (CgroupNode.TryOpenExisting(Hierarchies[i], paths[i]) is { } node) nodes.Add(node);
                else logger?.LogDebug("cgroup v1: no {Path} in {Hierarchy}", paths[i], Hierarchies[i].MountPoint);
            }
        }
        catch
        {
            foreach (var node in nodes) node.Dispose();
            throw;
        }
        if (nodes.Count == 0) return null;
        var controllers = CgroupController.All
            .Where(c => c.ExistsOnV1 && nodes.Any(n => n.Hierarchy.Controllers.Contains(c.V1Name))).ToList();
        return new CgroupV1Part(nodes, controllers, logger);
    }

    /// <summary>The paths <see cref="Open"/> looks at, for messages.</summary>
    public IEnumerable<string> PathsOf(string containerId, string? cgroupsPath) =>
        Hierarchies.Select(h => h.MountPoint.TrimEnd('/') + "/" + CgroupPath.Resolve(cgroupsPath, containerId, h));

    /// <summary>
    /// A new v1 cpuset starts with no CPUs and no nodes (joining it fails with ENOSPC): copy the parent's, top down, into
    /// every level of the path that has none, whoever made it (a manager may have made the pod's directories bare), as
    /// runc does.
    /// </summary>
    private static void InheritCpuset(CgroupNode node)
    {
        var names = node.RelativePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var depth = 1; depth <= names.Length; depth++)
        {
            var dir = string.Join('/', names[..depth]);
            var slash = dir.LastIndexOf('/');
            using var parent = node.Root.TryOpenDirectory(slash < 0 ? "" : dir[..slash]);
            using var child = node.Root.TryOpenDirectory(dir);
            if (parent is null || child is null) continue;
            foreach (var file in new[] { "cpuset.cpus", "cpuset.mems" })
                if (string.IsNullOrWhiteSpace(child.TryRead(file)) && parent.TryRead(file)?.Trim() is { Length: > 0 } value)
                    child.Write("cpuset", file, value);
        }
    }
}
