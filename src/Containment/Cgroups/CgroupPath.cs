namespace Containment.Cgroups;

/// <summary>
/// Resolves OCI <c>cgroupsPath</c> into a directory path relative to a hierarchy's mount point. Absolute paths
/// are taken from the hierarchy's root; relative ones from this process's own cgroup (/proc/self/cgroup); no
/// path may leave the hierarchy. With no path, a container gets <c>/containment/&lt;id&gt;</c>.
/// </summary>
internal static class CgroupPath
{
    /// <summary>The parent of containers' cgroups when no path is given.</summary>
    public const string DefaultParent = "containment";

    /// <summary>The directory, relative to <paramref name="hierarchy"/>'s mount point, without leading slash.</summary>
    /// <exception cref="ContainerSpecException">The path is malformed or escapes the hierarchy.</exception>
    public static string Resolve(string? cgroupsPath, string containerId, CgroupHierarchy hierarchy)
    {
        string cgroup;
        if (string.IsNullOrEmpty(cgroupsPath))
        {
            Check(containerId.Length > 0 && !containerId.Contains('/') && containerId is not ("." or ".."),
                "containerId", $"'{containerId}' cannot name a cgroup directory");
            cgroup = "/" + DefaultParent + "/" + containerId;
        }
        else
        {
            Check(!cgroupsPath.Contains('\0') && !cgroupsPath.Contains('\n'), "cgroupsPath", "contains a NUL or newline");
            Check(!(cgroupsPath.Split(':').Length == 3 && !cgroupsPath.StartsWith('/')), "cgroupsPath",
                $"'{cgroupsPath}' is a systemd path (slice:prefix:name), which needs the systemd cgroup driver (ContainerSpec.WithCgroupDriver(CgroupDriverKind.Systemd), containment --systemd-cgroup)");
            cgroup = cgroupsPath.StartsWith('/') ? cgroupsPath : hierarchy.OwnPath.TrimEnd('/') + "/" + cgroupsPath;
        }

        var normalized = Normalize(cgroup) ?? throw new ContainerSpecException(
            [new SpecError("cgroupsPath", $"'{cgroupsPath}' leaves the cgroup hierarchy's root (too many '..')")]);

        // A mount of a sub-tree (mountinfo root /x) shows /x/y as <mount>/y; relative paths are in that namespace.
        var root = Normalize(hierarchy.MountRoot) ?? "";
        var isRelative = !string.IsNullOrEmpty(cgroupsPath) && !cgroupsPath.StartsWith('/');
        if (root.Length > 0 && isRelative)
        {
            if (normalized == root) normalized = "";
            else if (normalized.StartsWith(root + "/", StringComparison.Ordinal)) normalized = normalized[(root.Length + 1)..];
            else throw new ContainerSpecException([new SpecError("cgroupsPath", $"'{cgroupsPath}' leaves the mounted part of the hierarchy ({hierarchy.MountRoot})")]);
        }
        Check(normalized.Length > 0, "cgroupsPath", "resolves to the hierarchy's root cgroup, which a container cannot own");
        return normalized;
    }

    /// <summary>The path without leading slash, <c>.</c> and <c>..</c> resolved; null when <c>..</c> climbs above the root.</summary>
    internal static string? Normalize(string path)
    {
        var stack = new List<string>();
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".") continue;
            if (part == "..")
            {
                if (stack.Count == 0) return null;
                stack.RemoveAt(stack.Count - 1);
            }
            else stack.Add(part);
        }
        return string.Join("/", stack);
    }

    private static void Check(bool ok, string field, string message)
    {
        if (!ok) throw new ContainerSpecException([new SpecError(field, message)]);
    }
}
