using Containment.Cgroups.Controllers;
using Containment.Cgroups.Fs;
using Containment.Interop;
using Microsoft.Extensions.Logging;

namespace Containment.Cgroups;

/// <summary>A container's directory in one hierarchy: the open root and leaf, and which directories we created.</summary>
internal sealed class CgroupNode : IDisposable
{
    public CgroupNode(CgroupHierarchy hierarchy, CgroupDirectory root, string relativePath, CgroupDirectory leaf, IReadOnlyList<string> created)
    {
        Hierarchy = hierarchy;
        Root = root;
        RelativePath = relativePath;
        Leaf = leaf;
        Created = created;
    }

    public CgroupHierarchy Hierarchy { get; }
    public CgroupDirectory Root { get; }
    public string RelativePath { get; }
    public CgroupDirectory Leaf { get; }

    /// <summary>Directories this node created, outermost first (relative to the root).</summary>
    public IReadOnlyList<string> Created { get; }

    /// <summary>The leaf's path, for messages.</summary>
    public string Path => Leaf.Path;

    /// <summary>Writes a controller's values, honouring <see cref="CgroupSpec.Optional"/> and each write's fallbacks.</summary>
    public void Apply(CgroupController controller, IReadOnlyList<CgroupWrite> writes, CgroupSpec spec, ILogger? logger)
    {
        for (var i = 0; i < writes.Count; i++)
        {
            var w = writes[i];
            try
            {
                Write(controller, w, spec, logger);
            }
            catch (CgroupException e) when (e.Errno == Errno.EINVAL && w.SwapWithNextOnInvalid && i + 1 < writes.Count)
            {
                Write(controller, writes[i + 1], spec, logger);
                Write(controller, w, spec, logger);
                i++;
            }
        }
    }

    private void Write(CgroupController controller, CgroupWrite w, CgroupSpec spec, ILogger? logger)
    {
        var file = w.File;
        if (w.Alternative is { } alternative && !Leaf.Exists(file) && Leaf.Exists(alternative)) file = alternative;
        try
        {
            Leaf.Write(controller.Name, file, w.Value);
            logger?.LogDebug("cgroup: {Path}/{File} = {Value}", Path, file, w.Value);
        }
        catch (CgroupException e) when (e.Errno == Errno.ENOENT && spec.IsOptional(controller.Name, w.File))
        {
            logger?.LogInformation("cgroup: skipping optional {File} ({Controller}): not in {Path}", w.File, controller.Name, Path);
        }
    }

    /// <summary>The processes in the leaf.</summary>
    public List<int> Processes() => CgroupFileFormat.Pids(Leaf.TryRead("cgroup.procs"));

    /// <summary>
    /// Removes the leaf (retrying EBUSY while its last processes finish exiting, up to <paramref name="busyTimeout"/>),
    /// then every ancestor this node created, deepest first, each once (another container may still use it).
    /// Returns the errno of the leaf's removal (0, or ENOENT when it was already gone).
    /// </summary>
    public int Remove(TimeSpan busyTimeout, ILogger? logger)
    {
        var leafCreated = Created.Count > 0 && Created[^1] == RelativePath;
        var result = 0;
        if (leafCreated)
        {
            var deadline = DateTime.UtcNow + busyTimeout;
            while ((result = Root.RemoveDirectory(RelativePath)) == Errno.EBUSY && DateTime.UtcNow < deadline)
                Thread.Sleep(5);
            if (result is not (0 or Errno.ENOENT))
                logger?.LogWarning("cgroup: rmdir {Path}: {Errno}", Path, Errno.Name(result));
        }
        for (var i = Created.Count - (leafCreated ? 2 : 1); i >= 0; i--)
            if (Root.RemoveDirectory(Created[i]) is not (0 or Errno.ENOENT)) break;
        return result == Errno.ENOENT ? 0 : result;
    }

    public void Dispose()
    {
        Leaf.Dispose();
        Root.Dispose();
    }
}
