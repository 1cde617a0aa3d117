using Containment.Launch;
using Containment.Namespaces;
using static Containment.Launch.LinuxConstants;

namespace Containment.Mounts;

/// <summary>The plan steps that build the container's filesystem: the root, and the default mounts in it.</summary>
internal static class RootfsPlanner
{
    /// <summary>Where the host's tree is staged for <see cref="RootfsSpec.HostReadOnly"/> (inside the container's own mount namespace).</summary>
    internal const string HostStage = "/tmp";

    /// <summary>Host directories whose mounts are detached from a read-only host view before fresh ones replace them.</summary>
    private static readonly string[] HostPseudoTrees = ["/proc", "/sys", "/dev", "/run", "/tmp"];

    /// <summary>Makes the root a mount of its own, opens it, and returns its host path.</summary>
    public static string EnterRootfs(LaunchPlan plan, ContainerSpec spec, Func<IReadOnlyList<string>> hostMountPoints)
    {
        // Nothing done in the container's mount namespace propagates back to the host.
        plan.Mount("", "/", "", MS_REC | MS_PRIVATE, "", MountTarget.Host, what: "make / rprivate");
        switch (spec.Rootfs)
        {
            case RootfsSpec.Directory dir:
                plan.Mount(dir.Path, dir.Path, "", MS_BIND | MS_REC, "", MountTarget.Host, what: $"bind rootfs {dir.Path}");
                plan.OpenRoot(dir.Path);
                return dir.Path;
            case RootfsSpec.HostReadOnly:
                plan.Mount("/", HostStage, "", MS_BIND | MS_REC, "", MountTarget.Host, what: $"bind host / on {HostStage}");
                plan.MountSetattr(HostStage, MountTarget.Host, AT_RECURSIVE, MOUNT_ATTR_RDONLY, 0, 0);
                // In a user namespace the host's mounts arrive locked together: they cannot be detached one by one,
                // only covered, and the fresh /proc, /dev, /sys, /tmp and /run mounted below cover them.
                if (spec.Namespaces[NamespaceKind.User] is null)
                    foreach (var m in HostMounts.OutermostBeneath(hostMountPoints(), HostPseudoTrees))
                        plan.Umount(HostStage + m, MNT_DETACH);
                plan.OpenRoot(HostStage);
                return HostStage;
            default:
                throw new ArgumentOutOfRangeException(nameof(spec), spec.Rootfs, "unknown rootfs kind");
        }
    }

    public static void MountDefaults(LaunchPlan plan, ContainerSpec spec)
    {
        const ulong hardened = MS_NOSUID | MS_NODEV | MS_NOEXEC;
        plan.Mount("proc", "/proc", "proc", hardened, "", MountTarget.InRoot, CreateTarget.Directory, 0x16d);
        plan.Mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k", MountTarget.InRoot, CreateTarget.Directory, 0x1ed);
        // In a user namespace mknod of a device is refused: bind the host's nodes instead.
        var bindDevices = spec.Namespaces[NamespaceKind.User] is not null;
        foreach (var (name, major, minor) in DefaultDevices)
            if (bindDevices)
                plan.Mount("/dev/" + name, "/dev/" + name, "", MS_BIND, "", MountTarget.InRoot, CreateTarget.File, 0x1b6, $"bind /dev/{name}");
            else
                plan.Mknod("/dev/" + name, S_IFCHR | 0x1b6, MakeDev(major, minor));
        plan.Mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620", MountTarget.InRoot, CreateTarget.Directory, 0x1ed);
        plan.Symlink("pts/ptmx", "/dev/ptmx");
        plan.Mount("shm", "/dev/shm", "tmpfs", hardened, "mode=1777,size=65536k", MountTarget.InRoot, CreateTarget.Directory, 0x3ff);
        if (spec.Namespaces.IsNew(NamespaceKind.Ipc))
            plan.Mount("mqueue", "/dev/mqueue", "mqueue", hardened, "", MountTarget.InRoot, CreateTarget.Directory, 0x1ed);
        if (bindDevices && !spec.Namespaces.IsNew(NamespaceKind.Network))
        {
            // sysfs may only be mounted by the user namespace that owns the network namespace: bind the host's, read-only.
            plan.Mount("/sys", "/sys", "", MS_BIND | MS_REC, "", MountTarget.InRoot, CreateTarget.Directory, 0x16d, "bind /sys");
            plan.MountSetattr("/sys", MountTarget.InRoot, AT_RECURSIVE, MOUNT_ATTR_RDONLY, 0, 0);
        }
        else
            plan.Mount("sysfs", "/sys", "sysfs", hardened | MS_RDONLY, "", MountTarget.InRoot, CreateTarget.Directory, 0x16d);
        foreach (var (link, target) in DefaultLinks)
            plan.Symlink(target, link);
        if (spec.Rootfs is RootfsSpec.HostReadOnly)
        {
            plan.Mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777", MountTarget.InRoot, CreateTarget.Directory, 0x3ff);
            plan.Mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=755", MountTarget.InRoot, CreateTarget.Directory, 0x1ed);
        }
    }

    private static readonly (string Name, uint Major, uint Minor)[] DefaultDevices =
    [
        ("null", 1, 3), ("zero", 1, 5), ("full", 1, 7), ("random", 1, 8), ("urandom", 1, 9), ("tty", 5, 0),
    ];

    private static readonly (string Link, string Target)[] DefaultLinks =
    [
        ("/dev/fd", "/proc/self/fd"), ("/dev/stdin", "/proc/self/fd/0"), ("/dev/stdout", "/proc/self/fd/1"),
        ("/dev/stderr", "/proc/self/fd/2"), ("/dev/core", "/proc/kcore"),
    ];
}
