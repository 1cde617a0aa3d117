namespace Containment.Launch;

/// <summary>Typed writers for each executor op, so the compiler reads as a list of steps.</summary>
internal static class PlanOps
{
    public static void SetNs(this LaunchPlan plan, int fdIndex, ulong type, string path) =>
        plan.Op(PlanOp.SetNs, "setns", path).U32((uint)fdIndex).U32((uint)type).End();

    public static void Clone(this LaunchPlan plan, ulong flags, int cgroupFdIndex, bool detached, string what) =>
        plan.Op(PlanOp.Clone, "clone3", what).U64(flags).I32(cgroupFdIndex).U32(detached ? 1u : 0u).End();

    public static void WritePid(this LaunchPlan plan, int fdIndex, string file) =>
        plan.Op(PlanOp.WritePid, "write", file).U32((uint)fdIndex).End();

    /// <summary>The child moves itself into its v1 cgroups: "0" written to each <c>tasks</c> file (<see cref="CgroupSelfJoin"/>).</summary>
    public static void CgroupJoinSelf(this LaunchPlan plan, IReadOnlyList<int> tasksFdIndexes)
    {
        var w = plan.Op(PlanOp.CgroupJoinSelf, "write", "tasks").U32((uint)tasksFdIndexes.Count);
        foreach (var index in tasksFdIndexes)
            w.I32(index);
        w.End();
    }

    public static void WriteChildProc(this LaunchPlan plan, string relative, string content) =>
        plan.Op(PlanOp.WriteChildProc, "write", "/proc/<pid>/" + relative).Str(relative).Str(content).End();

    /// <summary>A cgroup directory the monitor removes if the host dies while the container depends on it.</summary>
    public static void OrphanRmdir(this LaunchPlan plan, Cgroups.CgroupDirectoryToRemove directory) =>
        plan.Op(PlanOp.OrphanRmdir, "rmdir", directory.Path).Str(directory.Path).U32(directory.IsLeaf ? 1u : 0u).End();

    /// <summary>The child's own session and process group (setsid), away from the caller's terminal and group.</summary>
    public static void Setsid(this LaunchPlan plan) =>
        plan.Op(PlanOp.Setsid, "setsid", "a session of its own").End();

    public static void Release(this LaunchPlan plan) =>
        plan.Op(PlanOp.Release, "send", "release").End();

    public static void WaitRelease(this LaunchPlan plan) =>
        plan.Op(PlanOp.WaitRelease, "recv", "release").End();

    public static void Mount(this LaunchPlan plan, string source, string target, string fstype, ulong flags, string data,
        MountTarget kind, CreateTarget create = CreateTarget.None, uint mode = 0, string? what = null, uint targetFlags = 0) =>
        plan.Op(PlanOp.Mount, "mount", what ?? $"{(fstype.Length > 0 ? fstype : source)} on {target}")
            .Str(source).Str(target).Str(fstype).U64(flags).Str(data).U32((uint)kind).U32((uint)create | targetFlags).U32(mode).End();

    public static void MountSetattr(this LaunchPlan plan, string path, MountTarget kind, uint flags, ulong set, ulong clear, ulong propagation) =>
        plan.Op(PlanOp.MountSetattr, "mount_setattr", path).Str(path).U32((uint)kind).U32(flags).U64(set).U64(clear).U64(propagation).End();

    public static void Mknod(this LaunchPlan plan, string path, uint mode, ulong device, uint uid = 0, uint gid = 0) =>
        plan.Op(PlanOp.Mknod, "mknod", path).Str(path).U32(mode).U64(device).U32(uid).U32(gid).End();

    public static void Symlink(this LaunchPlan plan, string target, string link) =>
        plan.Op(PlanOp.Symlink, "symlink", $"{link} -> {target}").Str(target).Str(link).End();

    public static void OpenRoot(this LaunchPlan plan, string path) =>
        plan.Op(PlanOp.OpenRoot, "open", path).Str(path).End();

    /// <summary>pivot_root, or with <paramref name="noPivot"/> MS_MOVE and chroot (only chroot when <paramref name="stacked"/>: the root is already on /).</summary>
    public static void PivotRoot(this LaunchPlan plan, string root, bool noPivot, bool stacked = false) =>
        plan.Op(PlanOp.PivotRoot, noPivot ? "chroot" : "pivot_root", root).U32(noPivot ? stacked ? 2u : 1u : 0u).End();

    public static void SetHostname(this LaunchPlan plan, string name) =>
        plan.Op(PlanOp.SetHostname, "sethostname", name).Str(name).End();

    public static void SetDomainname(this LaunchPlan plan, string name) =>
        plan.Op(PlanOp.SetDomainname, "setdomainname", name).Str(name).End();

    public static void LinkUp(this LaunchPlan plan, string name) =>
        plan.Op(PlanOp.LinkUp, "ioctl(SIOCSIFFLAGS)", name).Str(name).End();

    public static void Chdir(this LaunchPlan plan, string path) =>
        plan.Op(PlanOp.Chdir, "chdir", path).Str(path).End();

    public static void SetRlimit(this LaunchPlan plan, uint resource, ulong soft, ulong hard, string name) =>
        plan.Op(PlanOp.SetRlimit, "setrlimit", name).U32(resource).U64(soft).U64(hard).End();

    public static void RaiseChildRlimit(this LaunchPlan plan, uint resource, ulong hard, string name) =>
        plan.Op(PlanOp.RaiseChildRlimit, "prlimit", name).U32(resource).U64(hard).End();

    public static void Prctl(this LaunchPlan plan, uint option, ulong a2, string what) =>
        plan.Op(PlanOp.Prctl, "prctl", what).U32(option).U64(a2).U64(0).U64(0).U64(0).End();

    public static void Unshare(this LaunchPlan plan, ulong flags, string what) =>
        plan.Op(PlanOp.Unshare, "unshare", what).U64(flags).End();

    public static void Sync(this LaunchPlan plan, uint tag, string what) =>
        plan.Op(PlanOp.Sync, "sync", what).U32(tag).End();

    public static void FdLayout(this LaunchPlan plan, IReadOnlyList<int> sources)
    {
        var w = plan.Op(PlanOp.FdLayout, "dup2", "standard streams").U32((uint)sources.Count);
        foreach (var s in sources)
            w.I32(s);
        w.End();
    }

    public static void CloseFds(this LaunchPlan plan, uint first) =>
        plan.Op(PlanOp.CloseFds, "close_range", $"{first}..").U32(first).End();

    public static void Exec(this LaunchPlan plan, IReadOnlyCollection<string> candidates, IReadOnlyCollection<string> argv, IReadOnlyCollection<string> env) =>
        plan.Op(PlanOp.Exec, "execve", candidates.Count == 1 ? candidates.First() : argv.First()).StrV(candidates).StrV(argv).StrV(env).End();

    public static void IdmapTree(this LaunchPlan plan, int treeFdIndex, bool recursive, string what) =>
        plan.Op(PlanOp.IdmapTree, "mount_setattr", $"idmap {what}").U32((uint)treeFdIndex).U32(recursive ? 1u : 0u).End();

    /// <summary>A new user and mount namespace, so the kernel locks every mount (see protocol.h OP_LOCK_MOUNTS).</summary>
    public static void LockMounts(this LaunchPlan plan, string uidMap, string gidMap) =>
        plan.Op(PlanOp.LockMounts, "unshare", "user and mount namespace (locks the mounts)").Str(uidMap).Str(gidMap).End();

    /// <summary>
    /// A bind source the child opens itself, first thing (before it mounts anything or changes its ids), checks
    /// against what the host recorded, and clones into <paramref name="slot"/> for a later <see cref="BindSource"/>.
    /// </summary>
    public static void OpenSource(this LaunchPlan plan, Mounts.HostPath source, bool recursive, uint slot) =>
        plan.Op(PlanOp.OpenSource, "open_tree", $"bind source {source.Path} (no symlink, the inode the host checked)")
            .Str(source.Path).U64(source.Device).U64(source.Inode).U32(recursive ? 1u : 0u).U32(slot).End();

    /// <summary>The tree of an <see cref="OpenSource"/> slot, given its attributes and attached beneath the root.</summary>
    public static void BindSource(this LaunchPlan plan, uint slot, string target, uint targetFlags, uint mode,
        ulong set, ulong clear, ulong recursiveSet, ulong recursiveClear, ulong propagation, bool propagationRecursive, string what) =>
        plan.Op(PlanOp.BindSource, "bind", what).U32(slot).Str(target).U32(targetFlags).U32(mode).U64(set).U64(clear)
            .U64(recursiveSet).U64(recursiveClear).U64(propagation).U32(propagationRecursive ? 1u : 0u).End();

    /// <summary>The rootfs directory, opened and checked as an <see cref="OpenSource"/> source, bound onto itself and made the root.</summary>
    public static void RootPath(this LaunchPlan plan, Mounts.HostPath root, ulong recursiveSet) =>
        plan.Op(PlanOp.RootPath, "bind", $"rootfs {root.Path}").Str(root.Path).U64(root.Device).U64(root.Inode).U64(recursiveSet).End();

    public static void TestFail(this LaunchPlan plan, int errno) =>
        plan.Op(PlanOp.TestFail, "test-fail", "injected").U32((uint)errno).End();

    public static void Umask(this LaunchPlan plan, uint mask) =>
        plan.Op(PlanOp.Umask, "umask", Convert.ToString(mask, 8)).U32(mask).End();

    public static void MountFs(this LaunchPlan plan, string fstype, string source, IReadOnlyCollection<string> options, string target,
        uint targetFlags, uint mode, ulong attrs, ulong propagation, bool propagationRecursive, string? what = null) =>
        plan.Op(PlanOp.MountFs, "mount", what ?? $"{fstype} on {target}")
            .Str(fstype).Str(source).StrV(options).Str(target).U32(targetFlags).U32(mode).U64(attrs).U64(propagation)
            .U32(propagationRecursive ? 1u : 0u).End();

    public static void Bind(this LaunchPlan plan, int treeFdIndex, string target, uint targetFlags, uint mode, ulong set, ulong clear,
        ulong recursiveSet, ulong recursiveClear, ulong propagation, bool propagationRecursive, string what) =>
        plan.Op(PlanOp.Bind, "mount", what)
            .I32(treeFdIndex).Str(target).U32(targetFlags).U32(mode).U64(set).U64(clear).U64(recursiveSet).U64(recursiveClear)
            .U64(propagation).U32(propagationRecursive ? 1u : 0u).End();

    public static void OpenNull(this LaunchPlan plan, string path) =>
        plan.Op(PlanOp.OpenNull, "open", $"{path} as the null device (char 1:3)").Str(path).End();

    public static void MaskPath(this LaunchPlan plan, string path) =>
        plan.Op(PlanOp.MaskPath, "mount", $"mask {path}").Str(path).End();

    public static void ReadonlyPath(this LaunchPlan plan, string path) =>
        plan.Op(PlanOp.ReadonlyPath, "mount", $"read-only {path}").Str(path).End();

    public static void TestResolveWalk(this LaunchPlan plan) =>
        plan.Op(PlanOp.TestResolveWalk, "test-resolve-walk", "openat2 disabled").End();

    public static void Ready(this LaunchPlan plan) =>
        plan.Op(PlanOp.Ready, "send", "ready").End();

    /// <summary>Flag of <see cref="Terminal"/>: bind the slave over /dev/console.</summary>
    public const uint TerminalMountConsole = 1;

    public static void Terminal(this LaunchPlan plan, TerminalSpec terminal, uint? ownerUid, bool mountConsole) =>
        plan.Op(PlanOp.Terminal, "open", "/dev/pts/ptmx: the terminal (setsid, TIOCSCTTY" + (mountConsole ? ", /dev/console)" : ")"))
            .U32(terminal.Columns).U32(terminal.Rows).U32(ownerUid ?? uint.MaxValue).U32(mountConsole ? TerminalMountConsole : 0).End();

    public static void WaitFifo(this LaunchPlan plan, int fdIndex, string path) =>
        plan.Op(PlanOp.WaitFifo, "open", path).U32((uint)fdIndex).End();
}
