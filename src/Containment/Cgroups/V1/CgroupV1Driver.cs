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

    /// <summary>A new v1 cpuset starts with no CPUs and no nodes (joining it fails with ENOSPC): copy the parent's.</summary>
    private static void InheritCpuset(CgroupNode node)
    {
        foreach (var dir in node.Created)
        {
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
