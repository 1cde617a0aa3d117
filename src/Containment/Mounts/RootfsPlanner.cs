using Containment.Cgroups;
using Containment.Launch;
using Containment.Namespaces;
using static Containment.Launch.LinuxConstants;

namespace Containment.Mounts;

/// <summary>
/// The plan steps that build the container's filesystem, in this order: the root's propagation, the root bind,
/// the mounts in the spec's order, the device nodes and /dev links, the read-only paths, the masked paths, the
/// read-only root. The host view's root: <see cref="HostViewPlanner"/>. Every in-root target is resolved beneath the root by the executor, through descriptors.
/// </summary>
internal static class RootfsPlanner
{
    private static readonly (string Name, uint Major, uint Minor)[] StandardDevices =
    [
        ("null", 1, 3), ("zero", 1, 5), ("full", 1, 7), ("random", 1, 8), ("urandom", 1, 9), ("tty", 5, 0),
    ];

    private static readonly (string Link, string Target)[] DefaultLinks =
    [
        ("/dev/fd", "/proc/self/fd"), ("/dev/stdin", "/proc/self/fd/0"), ("/dev/stdout", "/proc/self/fd/1"),
        ("/dev/stderr", "/proc/self/fd/2"), ("/dev/core", "/proc/kcore"),
    ];

    /// <summary>What <see cref="EnterRootfs"/> returns for the host view, whose root has no host path.</summary>
    internal const string HostView = "the host view";

    /// <summary>Makes the root a mount of its own, opens it, and returns its host path (or <see cref="HostView"/>).</summary>
    public static string EnterRootfs(LaunchPlan plan, ContainerSpec spec, Func<IReadOnlyList<HostRootEntry>> hostRoot, LaunchInputs? inputs = null)
    {
        if (inputs?.ResolveByWalk == true)
            plan.TestResolveWalk();
        // Nothing done in the container's mount namespace propagates back to the host: every mount is a slave (a root that
        // will be shared or a slave keeps receiving the host's mounts) or private. Never shared before the pivot:
        // pivot_root refuses a shared new root or parent, and a shared copy of a host mount would send ours to the host.
        var receives = spec.Filesystem.RootfsPropagation is MountPropagation.Shared or MountPropagation.RShared
            or MountPropagation.Slave or MountPropagation.RSlave;
        plan.Mount("", "/", "", MS_REC | (receives ? MS_SLAVE : MS_PRIVATE), "", MountTarget.Host,
            what: receives ? "make / rslave" : "make / rprivate");
        switch (spec.Rootfs)
        {
            case RootfsSpec.Directory dir when inputs?.MountSources?.Root is { } root:
                // The directory the host checked, opened by the child without following anything, bound onto itself.
                plan.RootPath(root, inputs.RootNoDev ? MOUNT_ATTR_NODEV : 0);
                return root.Path;
            case RootfsSpec.Directory dir:
                plan.Mount(dir.Path, dir.Path, "", MS_BIND | MS_REC, "", MountTarget.Host, what: $"bind rootfs {dir.Path}");
                if (inputs?.RootNoDev == true)
                    plan.MountSetattr(dir.Path, MountTarget.Host, AT_RECURSIVE, MOUNT_ATTR_NODEV, 0, 0);
                plan.OpenRoot(dir.Path);
                return dir.Path;
            case RootfsSpec.HostReadOnly view:
                HostViewPlanner.Enter(plan, spec, view, inputs?.RootNoDev == true, hostRoot);
                return HostView;
            default:
                throw new ArgumentOutOfRangeException(nameof(spec), spec.Rootfs, "unknown rootfs kind");
        }
    }

    /// <summary>
    /// After the pivot and the read-only and masked paths (binds of an unbindable tree would fail): the propagation asked
    /// for (<see cref="FilesystemSpec.RootfsPropagation"/>) on the new root, as runc and crun apply it. A shared root gets a peer group of its own (still a slave of the host's, so the host's
    /// mounts beneath the rootfs keep appearing inside); nothing of it reaches the host.
    /// </summary>
    public static void ApplyRootPropagation(LaunchPlan plan, ContainerSpec spec)
    {
        var propagation = spec.Filesystem.RootfsPropagation;
        if (propagation is MountPropagation.Default or MountPropagation.RPrivate || MountOptions.Kernel(propagation) is not var (prop, rec))
            return; // already rprivate
        plan.Mount("", "/", "", (rec ? MS_REC : 0) | prop, "", MountTarget.Host, what: $"make / {MountOptions.Name(propagation)}");
    }

    /// <summary>
    /// First thing after release, before any mount and before the ids change (so with the caller's own access, and
    /// before the host view is staged anywhere a source path could reach): each by-path bind source opened and
    /// checked by the child, and cloned for its bind later.
    /// </summary>
    public static void OpenSources(LaunchPlan plan, LaunchInputs inputs)
    {
        if (inputs.MountSources is not { ByPath: true } sources)
            return;
        foreach (var (path, slot, recursive) in sources.PathSources)
            plan.OpenSource(path, recursive, slot);
    }

    /// <summary>Every mount and device of the spec; before the pivot.</summary>
    public static void MountAll(LaunchPlan plan, ContainerSpec spec, LaunchInputs? inputs = null, Func<CgroupLayout>? cgroups = null)
    {
        var fs = spec.Filesystem;
        var sources = inputs?.MountSources;
        for (var i = 0; i < fs.Mounts.Length; i++)
            PlanMount(plan, spec, i, fs.Mounts[i], inputs, cgroups ?? CgroupLayout.Detect, inputs?.CgroupPaths ?? []);

        if (!fs.Mounts.Any(m => m.Destination.TrimEnd('/') == "/dev" && m.IsBind))
        {
            var byBind = DevicesByBind(spec);
            foreach (var d in Devices(spec))
            {
                if (byBind && sources is { ByPath: true })
                    plan.BindSource(sources.DevicePath(d.Path)!.Value.Slot, d.Path, (uint)CreateTarget.File, 0x1a4, 0, 0, 0, 0,
                        MountOptions.MS_PRIVATE, false, $"bind host {d.Path}");
                else if (byBind)
                {
                    var tree = sources?.Device(d.Path);
                    plan.Bind(tree is null ? -1 : plan.AddFd(tree), d.Path, (uint)CreateTarget.File, 0x1a4, 0, 0, 0, 0,
                        MountOptions.MS_PRIVATE, false, $"bind host {d.Path}");
                }
                else
                    plan.Mknod(d.Path, TypeBits(d.Type) | d.FileMode, d.Type == DeviceNodeType.Fifo ? 0 : MakeDev(d.Major, d.Minor), d.Uid, d.Gid);
            }
            if (fs.Mounts.Any(m => m.Destination.TrimEnd('/') == "/dev/pts" && m.Type == "devpts"))
                plan.Symlink("pts/ptmx", "/dev/ptmx");
            foreach (var (link, target) in DefaultLinks)
                plan.Symlink(target, link);
        }
    }

    /// <summary>
    /// Monitor steps, after the child's id maps are written and before it is released: each id-mapped bind's
    /// detached tree gets the child's user namespace as its idmapping (it must be set before the tree is attached).
    /// </summary>
    public static void IdmapBinds(LaunchPlan plan, ContainerSpec spec, LaunchInputs inputs)
    {
        var mounts = spec.Filesystem.Mounts;
        for (var i = 0; i < mounts.Length; i++)
        {
            if (!mounts[i].IsBind || inputs.MountSources?.Bind(i) is not { } source)
                continue;
            var o = MountOptions.Parse(mounts[i].Options.IsDefault ? [] : mounts[i].Options);
            if (o.Idmap)
                plan.IdmapTree(plan.AddFd(source.Tree), o.IdmapRecursive, $"{mounts[i].Source} on {mounts[i].Destination}");
        }
    }

    /// <summary>
    /// Read-only and masked paths, and the read-only root: after the pivot and after the sysctls are written (a
    /// read-only /proc/sys would refuse them), before the process loses the capability to mount. runc's order.
    /// </summary>
    public static void ProtectPaths(LaunchPlan plan, ContainerSpec spec)
    {
        var fs = spec.Filesystem;
        foreach (var path in fs.ReadonlyPaths)
            plan.ReadonlyPath(path);
        if (fs.MaskedPaths.Length > 0)
        {
            plan.OpenNull("/dev/null");
            foreach (var path in fs.MaskedPaths)
                plan.MaskPath(path);
        }
        // The host view's root holds only mount points: read-only once they are all made.
        if (fs.ReadOnlyRootfs || spec.Rootfs is RootfsSpec.HostReadOnly)
            plan.MountSetattr("/", MountTarget.InRoot, 0, MOUNT_ATTR_RDONLY, 0, 0);
    }

    private static void PlanMount(LaunchPlan plan, ContainerSpec spec, int index, Mount m, LaunchInputs? inputs, Func<CgroupLayout> cgroups,
        IReadOnlyList<string> ownCgroup)
    {
        var sources = inputs?.MountSources;
        var o = MountOptions.Parse(m.Options.IsDefault ? [] : m.Options);
        var dest = m.Destination;
        var noSymlinks = m.Type is "proc" or "sysfs" || Under(dest, "/proc") || Under(dest, "/sys") ? TargetFlags.NoSymlinks : 0;
        if (m.IsBind)
        {
            var source = sources?.Bind(index);
            var isDir = source?.IsDirectory ?? !File.Exists(m.Source);
            var (prop, rec) = MountOptions.Kernel(o.Propagation) ?? MountOptions.Kernel(spec.Filesystem.RootfsPropagation) ?? (MountOptions.MS_PRIVATE, true);
            if (sources is { ByPath: true } && sources.Path(index) is { } byPath)
            {
                var dir = byPath.Path.IsDirectory;
                plan.BindSource(byPath.Slot, dest, (uint)(dir ? CreateTarget.Directory : CreateTarget.File) | noSymlinks,
                    dir ? 0x1edu : 0x1a4u, o.Set, o.Clear, o.RecursiveSet, o.RecursiveClear, prop, rec, $"bind {m.Source} on {dest}");
                return;
            }
            plan.Bind(source is null ? -1 : plan.AddFd(source.Value.Tree), dest,
                (uint)(isDir ? CreateTarget.Directory : CreateTarget.File) | noSymlinks, isDir ? 0x1edu : 0x1a4u,
                o.Set, o.Clear, o.RecursiveSet, o.RecursiveClear, prop, rec, $"bind {m.Source} on {dest}");
            return;
        }
        if (m.Type == "mqueue" && !spec.Namespaces.IsNew(NamespaceKind.Ipc))
            return; // the host's message queues stay the host's
        var (fsProp, fsRec) = MountOptions.Kernel(o.Propagation) ?? (0UL, false);
        if (m.Type == "sysfs" && spec.Namespaces.IsNew(NamespaceKind.User) && !spec.Namespaces.IsNew(NamespaceKind.Network))
        {
            // sysfs may only be mounted by the user namespace that owns the network namespace: bind the host's, read-only.
            plan.Mount("/sys", dest, "", MS_BIND | MS_REC, "", MountTarget.InRoot, CreateTarget.Directory, 0x16d, "bind /sys", noSymlinks);
            plan.MountSetattr(dest, MountTarget.InRoot, AT_RECURSIVE, MOUNT_ATTR_RDONLY, 0, 0);
            return;
        }
        if (m.Type == "cgroup")
        {
            if (spec.Namespaces.IsNew(NamespaceKind.Cgroup))
                PlanCgroup(plan, dest, o, noSymlinks, cgroups());
            else
                PlanCgroupBinds(plan, dest, o, noSymlinks, cgroups(), ownCgroup);
            return;
        }
        var data = m.Type == "devpts" ? DevptsData(spec, o.Data) : o.Data;
        if (Lsm.LsmPlanner.ContextOption(m.Type, inputs?.MountLabel) is { } context && !data.Any(d => d.StartsWith("context=", StringComparison.Ordinal)))
            data = [.. data, context];
        // Image device nodes are copied up only where a device allow list decides what opens (DeviceGuard).
        var copyUp = !o.CopyUp ? 0 : TargetFlags.CopyUp | (inputs?.DeviceListEnforced == true ? TargetFlags.CopyUpDevices : 0);
        plan.MountFs(m.Type, m.Source ?? "", data, dest, (uint)CreateTarget.Directory | noSymlinks | copyUp | Inherit(m.Type, data), 0x1ed,
            o.Set | (inputs?.RootNoDev == true && !KeepsDevices(m) ? MountOptions.ATTR_NODEV : 0),
            fsProp, fsRec, o.CopyUp ? $"tmpfs on {dest} (tmpcopyup)" : null);
    }

    /// <summary>
    /// devpts options without a gid= the container's new user namespace does not map: the kernel refuses such a
    /// mount (EINVAL), and a rootless container maps only the caller's own group. runc's rootless spec drops it too.
    /// </summary>
    private static IReadOnlyCollection<string> DevptsData(ContainerSpec spec, IReadOnlyCollection<string> data)
    {
        if (!spec.Namespaces.IsNew(NamespaceKind.User) || spec.UserNamespace is not { } userns)
            return data;
        return data.Where(d => !d.StartsWith("gid=", StringComparison.Ordinal)
            || (uint.TryParse(d.AsSpan(4), out var gid) && userns.GidMappings.Any(m => m.MapsContainerId(gid)))).ToArray();
    }

    /// <summary>
    /// The container's cgroup view: cgroup2 on a unified host; otherwise a tmpfs holding one mount per v1
    /// hierarchy (plus links for co-mounted controllers, and the cgroup2 mount on a hybrid host), then made
    /// read-only when asked. In a new cgroup namespace each mount shows the container's own cgroup as its root.
    /// </summary>
    private static void PlanCgroup(LaunchPlan plan, string dest, MountOptions o, uint noSymlinks, CgroupLayout layout)
    {
        var create = (uint)CreateTarget.Directory | noSymlinks;
        if (layout.Mode == CgroupMode.Unified)
        {
            plan.MountFs("cgroup2", "cgroup2", o.Data, dest, create, 0x1ed, o.Set, 0, false);
            return;
        }
        var inner = o.Set & ~MountOptions.ATTR_RDONLY;
        plan.MountFs("tmpfs", "cgroup", ["mode=755"], dest, create, 0x1ed, inner, 0, false);
        foreach (var h in layout.V1)
        {
            var controllers = h.Controllers.Order().ToArray();
            var name = string.Join(",", controllers);
            plan.MountFs("cgroup", "cgroup", controllers, $"{dest}/{name}", create, 0x1ed, o.Set, 0, false);
            if (controllers.Length > 1)
                foreach (var c in controllers)
                    plan.Symlink(name, $"{dest}/{c}");
        }
        if (layout.Unified is not null)
            plan.MountFs("cgroup2", "cgroup2", [], $"{dest}/unified", create, 0x1ed, o.Set, 0, false);
        if ((o.Set & MountOptions.ATTR_RDONLY) != 0)
            plan.MountSetattr(dest, MountTarget.InRoot, 0, MOUNT_ATTR_RDONLY, 0, 0);
    }

    /// <summary>
    /// The container's cgroup view without a cgroup namespace of its own, as runc makes it: its own cgroup
    /// directories bound from the host, so it sees its cgroup and nothing above it — on a v1 or hybrid host a tmpfs
    /// with one bind per hierarchy (links for co-mounted controllers), on a unified host one bind. Each bind gets the
    /// mount's flags (read-only...) recursively.
    /// </summary>
    private static void PlanCgroupBinds(LaunchPlan plan, string dest, MountOptions o, uint noSymlinks, CgroupLayout layout, IReadOnlyList<string> own)
    {
        if (layout.Mode == CgroupMode.Unified && layout.Unified is { } unified)
        {
            BindCgroup(plan, OwnCgroupDir(unified, own), dest, o, noSymlinks);
            return;
        }
        plan.MountFs("tmpfs", "cgroup", ["mode=755"], dest, (uint)CreateTarget.Directory | noSymlinks, 0x1ed, o.Set & ~MountOptions.ATTR_RDONLY, 0, false);
        foreach (var h in layout.V1)
        {
            var controllers = h.Controllers.Order().ToArray();
            var name = string.Join(",", controllers);
            BindCgroup(plan, OwnCgroupDir(h, own), $"{dest}/{name}", o, noSymlinks);
            if (controllers.Length > 1)
                foreach (var c in controllers)
                    plan.Symlink(name, $"{dest}/{c}");
        }
        if (layout.Unified is { } u)
            BindCgroup(plan, OwnCgroupDir(u, own), $"{dest}/unified", o, noSymlinks);
        if ((o.Set & MountOptions.ATTR_RDONLY) != 0)
            plan.MountSetattr(dest, MountTarget.InRoot, 0, MOUNT_ATTR_RDONLY, 0, 0);
    }

    /// <summary>Binds a host cgroup directory (a host path, resolved by the child before the pivot; the target beneath the root).</summary>
    private static void BindCgroup(LaunchPlan plan, string source, string target, MountOptions o, uint noSymlinks)
    {
        plan.Mount(source, target, "", MS_BIND | MS_REC, "", MountTarget.InRoot, CreateTarget.Directory, 0x1ed, $"bind {source} on {target}", noSymlinks);
        plan.MountSetattr(target, MountTarget.InRoot, AT_RECURSIVE, o.Set, 0, 0);
    }

    /// <summary>The container's directory in a hierarchy: its own cgroup's, else the one it is cloned into (the caller's).</summary>
    internal static string OwnCgroupDir(CgroupHierarchy h, IReadOnlyList<string> own)
    {
        var mine = own.FirstOrDefault(p => p == h.MountPoint || p.StartsWith(h.MountPoint + "/", StringComparison.Ordinal));
        if (mine is not null)
            return mine;
        var root = h.MountRoot.TrimEnd('/');
        var relative = h.OwnPath.StartsWith(root + "/", StringComparison.Ordinal) ? h.OwnPath[root.Length..] : "/";
        return (h.MountPoint + relative).TrimEnd('/');
    }

    /// <summary>Whether device nodes are bound from the host rather than created (asked for, or a new user namespace).</summary>
    public static bool DevicesByBind(ContainerSpec spec) =>
        spec.Filesystem.DevicesByBind || spec.Namespaces[NamespaceKind.User] is not null;

    /// <summary>The standard devices and the spec's, a spec device replacing a standard one at the same path.</summary>
    public static IReadOnlyList<DeviceNode> Devices(ContainerSpec spec)
    {
        var extra = spec.Filesystem.Devices;
        var list = StandardDevices.Select(d => new DeviceNode("/dev/" + d.Name, DeviceNodeType.Char, d.Major, d.Minor))
            .Where(d => !extra.Any(e => e.Path == d.Path)).ToList();
        list.AddRange(extra);
        return list;
    }

    /// <summary>Whether a host file's type and numbers are those of the device.</summary>
    public static bool Matches(DeviceNode device, uint mode, uint major, uint minor) =>
        (mode & 0xf000) == TypeBits(device.Type) && (device.Type == DeviceNodeType.Fifo || (major == device.Major && minor == device.Minor));

    private static uint TypeBits(DeviceNodeType type) => type switch
    {
        DeviceNodeType.Char => S_IFCHR,
        DeviceNodeType.Block => S_IFBLK,
        DeviceNodeType.Fifo => S_IFIFO,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown device type"),
    };

    /// <summary>
    /// A tmpfs without <c>mode=</c> over an existing directory takes that directory's mode (and without <c>uid=</c> and
    /// <c>gid=</c> its owner), as runc does: the kernel's 1777 would open a root-only directory of the image to every user.
    /// </summary>
    private static uint Inherit(string type, IReadOnlyCollection<string> data)
    {
        if (type != "tmpfs")
            return 0;
        bool Has(string key) => data.Any(d => d.StartsWith(key + "=", StringComparison.Ordinal));
        return (Has("mode") ? 0 : TargetFlags.InheritMode) | (Has("uid") || Has("gid") ? 0 : TargetFlags.InheritOwner);
    }

    /// <summary>
    /// The filesystems that hold the container's own device nodes: the <c>/dev</c> the executor fills and its devpts. With a
    /// nodev root every other filesystem is mounted nodev too: a node on it (copied up from the image) must not open.
    /// </summary>
    private static bool KeepsDevices(Mount m) => m.Type == "devpts" || m.Destination.TrimEnd('/') == "/dev";

    private static bool Under(string path, string top) => path == top || path.StartsWith(top + "/", StringComparison.Ordinal);
}
