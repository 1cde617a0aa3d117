using Containment.Identity;
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
    public static LaunchPlan Compile(ContainerSpec spec, LaunchInputs inputs, Func<IReadOnlyList<string>>? hostMountPoints = null)
    {
        var plan = new LaunchPlan(inputs.FailAtStep, inputs.FailErrno);
        var ns = spec.Namespaces;

        JoinNamespaces(plan, inputs);
        var cgroupIndex = inputs.CgroupDirectory is null ? -1 : plan.AddFd(inputs.CgroupDirectory);
        plan.Clone(CloneFlags(ns), cgroupIndex, inputs.Detached, ns.ToString());
        foreach (var procs in inputs.CgroupProcs)
            plan.WritePid(plan.AddFd(procs), "cgroup.procs");
        IdentityPlanner.MapIds(plan, spec, inputs);
        RootfsPlanner.IdmapBinds(plan, spec, inputs);
        plan.Release();

        if (!inputs.Detached)
            plan.Prctl(PR_SET_PDEATHSIG, SIGKILL, "PR_SET_PDEATHSIG");
        plan.WaitRelease();
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
            var root = RootfsPlanner.EnterRootfs(plan, spec, hostMountPoints ?? (() => HostMounts.MountPoints()), inputs);
            RootfsPlanner.MountAll(plan, spec, inputs);
            plan.PivotRoot(root, spec.NoPivotRoot);

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
        IdentityPlanner.KernelSettings(plan, spec);
        if (spec.Rootfs is not RootfsSpec.Joined)
            RootfsPlanner.ProtectPaths(plan, spec);
        plan.Chdir(spec.Process.WorkingDirectory);
        plan.Umask(spec.Process.Umask);
        var seccomp = inputs.Seccomp ?? SeccompPlanner.Compile(spec, SeccompKernelSupport.Current, null);
        SeccompPlanner.LoadWhilePrivileged(plan, spec, seccomp);
        IdentityPlanner.SwitchUser(plan, spec, inputs);

        plan.FdLayout(inputs.Stdio.Select(h => h is null ? -1 : plan.AddFd(h)).ToArray());
        plan.CloseFds(3);
        SeccompPlanner.LoadLast(plan, spec, seccomp);
        if (inputs.StartFifo is not null)
        {
            plan.Ready();
            plan.WaitFifo(plan.AddFd(inputs.StartFifo), inputs.StartFifoPath ?? "start fifo");
        }
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
