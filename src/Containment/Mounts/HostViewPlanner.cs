using System.Globalization;
using Containment.Launch;

namespace Containment.Mounts;

/// <summary>
/// The root of <see cref="RootfsSpec.HostReadOnly"/>, bubblewrap's model: a small tmpfs stacked on the child's
/// <c>/</c> (where it shadows no host path, so a bind source still names the host's file), the host's top-level
/// directories and files bound into it read-only (recursively), its symlinks copied; fresh sized <c>/tmp</c> and
/// <c>/run</c>; the caller's private places covered. A user mount at one of these paths replaces the default there.
/// The root is made read-only once every mount point is made (<see cref="RootfsPlanner.ProtectPaths"/>).
/// </summary>
internal static class HostViewPlanner
{
    /// <summary>What the view mounts fresh instead of the host's: the standard mounts and the fresh tmpfs go there.</summary>
    private static readonly string[] FreshTrees = ["proc", "sys", "dev", "tmp", "run"];

    /// <summary>Room for the mount points, directories and links of the root (it holds no data).</summary>
    private const long RootSize = 1 << 20;

    private const uint DirMode = 0x1ed, FileMode = 0x1a4, StickyMode = 0x3ff;

    public static void Enter(LaunchPlan plan, ContainerSpec spec, RootfsSpec.HostReadOnly view, bool noDev, Func<IReadOnlyList<HostRootEntry>> hostRoot)
    {
        const ulong nosuidNodev = MountOptions.ATTR_NOSUID | MountOptions.ATTR_NODEV;
        plan.RootTmpfs(DirMode, RootSize, nosuidNodev);
        var (prop, rec) = MountOptions.Kernel(spec.Filesystem.RootfsPropagation) ?? (MountOptions.MS_PRIVATE, true);
        var readOnly = MountOptions.ATTR_RDONLY | (noDev ? MountOptions.ATTR_NODEV : 0);
        foreach (var entry in hostRoot())
        {
            var path = "/" + entry.Name;
            if (FreshTrees.Contains(entry.Name) || UserMountAt(spec, path))
                continue;
            switch (entry.Kind)
            {
                case HostRootEntryKind.Symlink:
                    plan.Symlink(entry.LinkTarget!, path);
                    break;
                case HostRootEntryKind.Directory:
                    plan.BindHost(path, path, (uint)CreateTarget.Directory, DirMode, readOnly, prop, rec);
                    break;
                case HostRootEntryKind.File:
                    plan.BindHost(path, path, (uint)CreateTarget.File, FileMode, readOnly, prop, rec);
                    break;
            }
        }
        if (!UserMountAt(spec, "/tmp"))
            plan.MountFs("tmpfs", "tmpfs", ["mode=1777", Size(view.TmpSize)], "/tmp", (uint)CreateTarget.Directory, StickyMode, nosuidNodev, 0, false);
        if (!UserMountAt(spec, "/run"))
            plan.MountFs("tmpfs", "tmpfs", ["mode=755", Size(view.RunSize)], "/run", (uint)CreateTarget.Directory, DirMode, nosuidNodev, 0, false);
        foreach (var hidden in HiddenDirectories(spec, view))
            plan.MountFs("tmpfs", "tmpfs", ["mode=755", "size=4k"], hidden, (uint)CreateTarget.None, DirMode,
                MountOptions.ATTR_RDONLY | nosuidNodev | MountOptions.ATTR_NOEXEC, 0, false, $"hide {hidden}");
    }

    /// <summary>The hidden paths that need a cover: existing host directories outside the fresh trees and not replaced by a user mount.</summary>
    internal static IEnumerable<string> HiddenDirectories(ContainerSpec spec, RootfsSpec.HostReadOnly view) =>
        view.HiddenPaths.Select(p => Path.TrimEndingDirectorySeparator(Path.GetFullPath(p))).Distinct()
            .Where(p => p != "/" && !FreshTrees.Any(t => Under(p, "/" + t)) && !UserMountAt(spec, p) && Directory.Exists(p));

    /// <summary>Errors in the view's settings.</summary>
    public static IEnumerable<SpecError> Validate(RootfsSpec.HostReadOnly view)
    {
        if (view.TmpSize <= 0)
            yield return new SpecError("rootfs.tmpSize", $"must be positive, not {view.TmpSize}");
        if (view.RunSize <= 0)
            yield return new SpecError("rootfs.runSize", $"must be positive, not {view.RunSize}");
        foreach (var p in view.HiddenPaths.Where(p => !Path.IsPathFullyQualified(p)))
            yield return new SpecError("rootfs.hiddenPaths", $"'{p}' is not an absolute path");
    }

    private static string Size(long bytes) => "size=" + bytes.ToString(CultureInfo.InvariantCulture);

    private static bool UserMountAt(ContainerSpec spec, string path) =>
        spec.Filesystem.Mounts.Any(m => Path.TrimEndingDirectorySeparator(m.Destination) == path);

    private static bool Under(string path, string top) => path == top || path.StartsWith(top + "/", StringComparison.Ordinal);
}
