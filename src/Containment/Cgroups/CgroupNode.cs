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

    /// <summary>
    /// Opens an existing leaf as the container's: the leaf counts as created (so <see cref="Remove"/> takes it, its
    /// descendants, and nothing above it). Null when <paramref name="relativePath"/> does not exist.
    /// </summary>
    public static CgroupNode? TryOpenExisting(CgroupHierarchy hierarchy, string relativePath)
    {
        var root = CgroupDirectory.OpenRoot(hierarchy.MountPoint);
        try
        {
            var leaf = root.TryOpenDirectory(relativePath);
            if (leaf is not null) return new CgroupNode(hierarchy, root, relativePath, leaf, [relativePath]);
        }
        catch
        {
            root.Dispose();
            throw;
        }
        root.Dispose();
        return null;
    }

    /// <summary>The processes in the leaf and in every cgroup beneath it (the container may have made its own).</summary>
    public List<int> Processes()
    {
        var pids = CgroupFileFormat.Pids(Leaf.TryRead("cgroup.procs"));
        foreach (var dir in Descendants()) pids.AddRange(CgroupFileFormat.Pids(Leaf.TryRead(dir + "/cgroup.procs")));
        return pids;
    }

    /// <summary>
    /// The directories beneath the leaf, relative to it, deepest first. Listed through the leaf's fd
    /// (<c>/proc/self/fd/N</c>), so they are the children of the cgroup we hold, whatever its path now names.
    /// </summary>
    public List<string> Descendants()
    {
        var self = $"/proc/self/fd/{Leaf.Fd}";
        try
        {
            return Directory.EnumerateDirectories(self, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true })
                .Select(d => System.IO.Path.GetRelativePath(self, d)).OrderByDescending(d => d.Count(c => c == '/')).ToList();
        }
        catch (IOException) { return []; }
    }

    /// <summary>
    /// Removes the leaf's descendants and the leaf (retrying EBUSY while its last processes finish exiting, up to <paramref name="busyTimeout"/>),
    /// then every ancestor this node created, deepest first, each once (another container may still use it).
    /// Returns the errno of the leaf's removal (0, or ENOENT when it was already gone).
    /// </summary>
    public int Remove(TimeSpan busyTimeout, ILogger? logger)
    {
        var leafCreated = Created.Count > 0 && Created[^1] == RelativePath;
        var result = 0;
        if (leafCreated)
        {
            // Sub-cgroups the container made go first; a failure shows up as EBUSY/ENOTEMPTY on the leaf.
            foreach (var dir in Descendants()) Root.RemoveDirectory(RelativePath + "/" + dir);
            var deadline = DateTime.UtcNow + busyTimeout;
            while ((result = Root.RemoveDirectory(RelativePath)) == Errno.EBUSY && DateTime.UtcNow < deadline)
                Thread.Sleep(5);
            if (result is not (0 or Errno.ENOENT))
                logger?.LogWarning(LogEvents.CleanupFailed, "cgroup: rmdir {Path}: {Errno}", Path, Errno.Name(result));
        }
        for (var i = Created.Count - (leafCreated ? 2 : 1); i >= 0; i--)
            if (Root.RemoveDirectory(Created[i]) is not (0 or Errno.ENOENT)) break;
        return result == Errno.ENOENT ? 0 : result;
    }

    private bool disposed;

    /// <summary>
    /// Closes the node; for a cgroup in the default parent (<c>containment/ID</c>), also removes that parent when it is
    /// empty now, whoever made it: it is the library's, and the last container in it takes it (rmdir fails with EBUSY
    /// while another container's cgroup is in it; one being made in it meanwhile makes it again, see
    /// <see cref="CgroupDirectory.CreateDirectories"/>). docs/cgroups.md says why.
    /// </summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        Leaf.Dispose();
        var prefix = CgroupPath.DefaultParent + "/";
        if (RelativePath.StartsWith(prefix, StringComparison.Ordinal) && RelativePath.IndexOf('/', prefix.Length) < 0)
            Root.RemoveDirectory(CgroupPath.DefaultParent);
        Root.Dispose();
    }
}
