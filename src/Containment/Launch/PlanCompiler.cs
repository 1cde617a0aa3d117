using Containment.Identity;
using Containment.Landlock;
using Containment.Lsm;
using Containment.Namespaces;
using Containment.Mounts;
using Containment.Seccomp;
using static Containment.Launch.LinuxConstants;

namespace Containment.Launch;

/// <summary>
/// Turns a validated <see cref="ContainerSpec"/> and the descriptors the host opened for it into the
/// ordered list of steps the executor performs. Every decision is made here; the executor only obeys.
/// </summary>
internal static class PlanCompiler
{
    /// <summary>The child's sync point after its mounts, before pivot_root: <see cref="ContainerStartOptions.BeforePivotRoot"/>.</summary>
    public const uint SyncBeforePivot = 0x50495654; // "PIVT"

    public static LaunchPlan Compile(ContainerSpec spec, LaunchInputs inputs, Func<IReadOnlyList<HostRootEntry>>? hostRoot = null)
    {
        var plan = new LaunchPlan(inputs.FailAtStep, inputs.FailErrno);
        var ns = spec.Namespaces;

        JoinNamespaces(plan, inputs);
        var cgroupIndex = inputs.CgroupDirectory is null ? -1 : plan.AddFd(inputs.CgroupDirectory);
        plan.Clone(CloneFlags(ns), cgroupIndex, inputs.Detached, ns.ToString());
        // v1: the child's first step, before it allocates anything (its mounts are charged to the container) and without
        // the threadgroup lock a pid write takes (CgroupSelfJoin). Otherwise (rootless) the monitor writes its pid.
        if (inputs.CgroupTasks.Count > 0)
            plan.CgroupJoinSelf(inputs.CgroupTasks.Select(plan.AddFd).ToList());
        foreach (var procs in inputs.CgroupProcs)
            plan.WritePid(plan.AddFd(procs), "cgroup.procs");
        IdentityPlanner.MapIds(plan, spec, inputs);
        IdentityPlanner.RaiseLimits(plan, spec);
        RootfsPlanner.IdmapBinds(plan, spec, inputs);
        plan.Release();

        // First of the child's steps, before anything of the container runs in it: in the caller's session it could open the
        // caller's terminal (/dev/tty) and push input into its shell (TIOCSTI), in its process group kill(0) reaches the host.
        plan.Setsid();
        if (!inputs.Detached)
            plan.Prctl(PR_SET_PDEATHSIG, SIGKILL, "PR_SET_PDEATHSIG");
        plan.WaitRelease();
        RootfsPlanner.OpenSources(plan, inputs);
        IdentityPlanner.BecomeRoot(plan, spec, inputs);
        // Unshared after the cgroup join, so the namespace's root is the container's own cgroup.
        if (ns.IsNew(NamespaceKind.Cgroup))
            plan.Unshare(NamespaceFlags.CLONE_NEWCGROUP, "cgroup namespace");
        if (ns.IsNew(NamespaceKind.Time))
            plan.Unshare(NamespaceFlags.CLONE_NEWTIME, "time namespace");
        IdentityPlanner.TimeOffsets(plan, spec);

        // A process joining a running container is already in its root: setns(mnt) moved the monitor there.
        if (spec.Rootfs is not RootfsSpec.Joined)
        {
            plan.Umask(0);
            var root = RootfsPlanner.EnterRootfs(plan, spec, hostRoot ?? (() => HostRootEntry.Read()), inputs);
            RootfsPlanner.MountAll(plan, spec, inputs);
            if (inputs.SyncBeforePivot)
                plan.Sync(SyncBeforePivot, "before pivot_root (createContainer)");
            plan.PivotRoot(root, spec.NoPivotRoot, stacked: spec.Rootfs is RootfsSpec.HostReadOnly);

            if (spec.Hostname is not null)
                plan.SetHostname(spec.Hostname);
            if (spec.Domainname is not null)
                plan.SetDomainname(spec.Domainname);
            if (ns.IsNew(NamespaceKind.Network))
                plan.LinkUp("lo");
        }
        // Inside the container's root, so the pty is its devpts's; before the user switch drops the right to mount.
        if (spec.Process.Terminal is { } terminal)
            plan.Terminal(terminal, spec.Process.User.IsRoot ? null : spec.Process.User.Uid, mountConsole: spec.Rootfs is not RootfsSpec.Joined);
        IdentityPlanner.KernelSettings(plan, spec, inputs);
        if (spec.Rootfs is not RootfsSpec.Joined)
        {
            RootfsPlanner.ProtectPaths(plan, spec);
            RootfsPlanner.ApplyRootPropagation(plan, spec);
        }
        if (inputs.LockMounts)
            IdentityPlanner.LockMounts(plan, spec);
        // The exec labels, while the process may still change them: before no_new_privs and the identity switch.
        LsmPlanner.ExecLabels(plan, spec, inputs.Lsm ?? LsmHost.Current);
        plan.Chdir(spec.Process.WorkingDirectory);
        plan.Umask(spec.Process.Umask);
        // Not dumpable from here to the exec (which makes the program dumpable again): once its capabilities are the
        // container's, a container process could otherwise ptrace this one, read its memory or open the host's
        // descriptors it still holds through /proc/PID/fd (CVE-2016-9962). Before seccomp: a profile may deny prctl.
        plan.Prctl(PR_SET_DUMPABLE, 0, "PR_SET_DUMPABLE");
        var seccomp = inputs.Seccomp ?? (spec.Seccomp is null ? null : SeccompPlanner.Compile(spec, SeccompKernelSupport.Current, null));
        IdentityPlanner.SwitchUser(plan, spec, inputs, keepSysAdmin: SeccompPlanner.NeedsSysAdmin(spec, seccomp));

        plan.FdLayout(inputs.Stdio.Concat(spec.Process.ExtraFiles).Select(h => h is null ? -1 : plan.AddFd(h)).ToArray());
        plan.CloseFds(3 + (uint)spec.Process.ExtraFiles.Length);
        // The filter is the last step before execve (nothing of ours runs under it), unless it hands a notify listener
        // to the host, which must have it before the ready report (an OCI create returns then).
        if (seccomp is { ReturnsListener: true })
            SeccompPlanner.Load(plan, seccomp);
        if (inputs.StartFifo is not null)
        {
            plan.Ready();
            plan.WaitFifo(plan.AddFd(inputs.StartFifo), inputs.StartFifoPath ?? "start fifo");
        }
        // Landlock, next to the filter: after the start FIFO (a host file outside its rules), before a filter that may
        // deny its calls; a notify filter, loaded earlier, must allow them (docs/landlock.md).
        if ((inputs.Landlock ?? (spec.Landlock is null ? null : LandlockPlanner.Negotiate(spec.Landlock, LandlockAbi.Current, null))) is { } landlock)
            LandlockPlanner.Apply(plan, landlock);
        if (seccomp is { ReturnsListener: false })
            SeccompPlanner.Load(plan, seccomp);
        // Last: the init has everything the program has (identity, capabilities, seccomp filter) and nothing more.
        if (spec.Init)
            plan.Init();
        plan.Exec(ExecCandidates(spec.Process), spec.Process.Args, spec.Process.Env);
        return plan;
    }

    private static void JoinNamespaces(LaunchPlan plan, LaunchInputs inputs)
    {
        // The user namespace first: it decides what the others may do. A nested one (locked mounts): its parent first,
        // which owns the other namespaces, then the nested one, which owns the mount namespace.
        if (inputs.JoinedUserParent is { } parent)
            plan.SetNs(plan.AddFd(parent), NamespaceFlags.CloneFlag(NamespaceKind.User), "user namespace (outer)");
        var nested = inputs.JoinedUserParent is not null;
        foreach (var (kind, handle) in inputs.JoinedNamespaces.OrderBy(kv => JoinOrder(kv.Key, nested)))
            plan.SetNs(plan.AddFd(handle), NamespaceFlags.CloneFlag(kind), $"{NamespaceFlags.ProcName(kind)} namespace");
    }

    private static int JoinOrder(NamespaceKind kind, bool nestedUser) => (kind, nestedUser) switch
    {
        (NamespaceKind.User, false) => 0,
        (NamespaceKind.User, true) => 2,
        (NamespaceKind.Mount, true) => 3,
        _ => 1,
    };

    internal static ulong CloneFlags(NamespaceSet ns)
    {
        ulong flags = 0;
        foreach (var (kind, setting) in ns.Settings)
            if (setting is NamespaceSetting.NewNamespace && kind is not (NamespaceKind.Cgroup or NamespaceKind.Time))
                flags |= NamespaceFlags.CloneFlag(kind);
        return flags;
    }

    /// <summary>Where execve looks for the program (<see cref="ProcessSpec.ExecutablePath"/>, else Args[0]): the path itself, or each PATH entry (execvp's rule).</summary>
    internal static IReadOnlyList<string> ExecCandidates(ProcessSpec process)
    {
        var program = process.ExecutablePath ?? process.Args[0];
        if (program.Contains('/'))
            return [program];
        var path = process.GetEnv("PATH") ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        return path.Split(':').Select(dir => (dir.Length == 0 ? "." : dir.TrimEnd('/')) + "/" + program).ToArray();
    }
}
