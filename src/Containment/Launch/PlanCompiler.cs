using Containment.Namespaces;
using static Containment.Launch.LinuxConstants;

namespace Containment.Launch;

/// <summary>
/// Turns a validated <see cref="ContainerSpec"/> and the descriptors the host opened for it into the
/// ordered list of steps the executor performs. Every decision is made here; the executor only obeys.
/// </summary>
internal static class PlanCompiler
{
    /// <summary>Where the host's tree is staged for <see cref="RootfsSpec.HostReadOnly"/> (inside the container's own mount namespace).</summary>
    internal const string HostStage = "/tmp";

    /// <summary>Host directories whose mounts are detached from a read-only host view before fresh ones replace them.</summary>
    private static readonly string[] HostPseudoTrees = ["/proc", "/sys", "/dev", "/run", "/tmp"];

    /// <summary>The sync tag the child reports when setup is done and it waits to exec.</summary>
    public const uint SyncBeforeExec = 1;

    public static LaunchPlan Compile(ContainerSpec spec, LaunchInputs inputs, Func<IReadOnlyList<string>>? hostMountPoints = null)
    {
        var plan = new LaunchPlan(inputs.FailAtStep, inputs.FailErrno);
        var ns = spec.Namespaces;

        JoinNamespaces(plan, inputs);
        var cgroupIndex = inputs.CgroupDirectory is null ? -1 : plan.AddFd(inputs.CgroupDirectory);
        plan.Clone(CloneFlags(ns), cgroupIndex, inputs.Detached, ns.ToString());
        foreach (var procs in inputs.CgroupProcs)
            plan.WritePid(plan.AddFd(procs), "cgroup.procs");
        plan.Release();

        if (!inputs.Detached)
            plan.Prctl(PR_SET_PDEATHSIG, SIGKILL, "PR_SET_PDEATHSIG");
        plan.WaitRelease();
        // Unshared after the cgroup join, so the namespace's root is the container's own cgroup.
        if (ns.IsNew(NamespaceKind.Cgroup))
            plan.Unshare(NamespaceFlags.CLONE_NEWCGROUP, "cgroup namespace");
        if (ns.IsNew(NamespaceKind.Time))
            plan.Unshare(NamespaceFlags.CLONE_NEWTIME, "time namespace");

        plan.Umask(0);
        var root = EnterRootfs(plan, spec, hostMountPoints ?? (() => HostMounts.MountPoints()));
        MountMinimal(plan, spec);
        plan.PivotRoot(root, spec.NoPivotRoot);

        if (spec.Hostname is not null)
            plan.SetHostname(spec.Hostname);
        if (spec.Domainname is not null)
            plan.SetDomainname(spec.Domainname);
        if (ns.IsNew(NamespaceKind.Network))
            plan.LinkUp("lo");
        plan.Chdir(spec.Process.WorkingDirectory);
        plan.Umask(0x12); // 022

        plan.FdLayout(inputs.Stdio.Select(h => h is null ? -1 : plan.AddFd(h)).ToArray());
        plan.CloseFds(3);
        if (inputs.WaitBeforeExec)
            plan.Sync(SyncBeforeExec, "before exec");
        plan.Exec(ExecCandidates(spec.Process), spec.Process.Args, spec.Process.Env);
        return plan;
    }

    private static void JoinNamespaces(LaunchPlan plan, LaunchInputs inputs)
    {
        // The user namespace first: it decides what the others may do.
        foreach (var (kind, handle) in inputs.JoinedNamespaces.OrderBy(kv => kv.Key == NamespaceKind.User ? 0 : 1))
            plan.SetNs(plan.AddFd(handle), NamespaceFlags.CloneFlag(kind), $"{NamespaceFlags.ProcName(kind)} namespace");
    }

    internal static ulong CloneFlags(NamespaceSet ns)
    {
        ulong flags = 0;
        foreach (var (kind, setting) in ns.Settings)
            if (setting is NamespaceSetting.NewNamespace && kind is not (NamespaceKind.Cgroup or NamespaceKind.Time))
                flags |= NamespaceFlags.CloneFlag(kind);
        return flags;
    }

    /// <summary>Makes the root a mount of its own, opens it, and returns its host path.</summary>
    private static string EnterRootfs(LaunchPlan plan, ContainerSpec spec, Func<IReadOnlyList<string>> hostMountPoints)
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
                foreach (var m in HostMounts.OutermostBeneath(hostMountPoints(), HostPseudoTrees))
                    plan.Umount(HostStage + m, MNT_DETACH);
                plan.OpenRoot(HostStage);
                return HostStage;
            default:
                throw new ArgumentOutOfRangeException(nameof(spec), spec.Rootfs, "unknown rootfs kind");
        }
    }

    private static void MountMinimal(LaunchPlan plan, ContainerSpec spec)
    {
        const ulong hardened = MS_NOSUID | MS_NODEV | MS_NOEXEC;
        plan.Mount("proc", "/proc", "proc", hardened, "", MountTarget.InRoot, CreateTarget.Directory, 0x16d);
        plan.Mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k", MountTarget.InRoot, CreateTarget.Directory, 0x1ed);
        foreach (var (name, major, minor) in DefaultDevices)
            plan.Mknod("/dev/" + name, S_IFCHR | 0x1b6, MakeDev(major, minor));
        plan.Mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620", MountTarget.InRoot, CreateTarget.Directory, 0x1ed);
        plan.Symlink("pts/ptmx", "/dev/ptmx");
        plan.Mount("shm", "/dev/shm", "tmpfs", hardened, "mode=1777,size=65536k", MountTarget.InRoot, CreateTarget.Directory, 0x3ff);
        if (spec.Namespaces.IsNew(NamespaceKind.Ipc))
            plan.Mount("mqueue", "/dev/mqueue", "mqueue", hardened, "", MountTarget.InRoot, CreateTarget.Directory, 0x1ed);
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

    /// <summary>Where execve looks for the program: the path itself, or each PATH entry (execvp's rule).</summary>
    internal static IReadOnlyList<string> ExecCandidates(ProcessSpec process)
    {
        var program = process.Args[0];
        if (program.Contains('/'))
            return [program];
        var path = process.GetEnv("PATH") ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        return path.Split(':').Select(dir => (dir.Length == 0 ? "." : dir.TrimEnd('/')) + "/" + program).ToArray();
    }
}
