using System.Globalization;
using Containment.Capabilities;
using Containment.Launch;
using Containment.Namespaces;
using static Containment.Launch.LinuxConstants;

namespace Containment.Identity;

/// <summary>
/// The plan steps of identity and privilege, in the order the kernel needs them:
/// <list type="number">
/// <item>the monitor writes the id maps (or the host runs newuidmap/newgidmap) before it releases the child;</item>
/// <item>the child becomes root inside its user namespace, so that what it creates is owned by a mapped id;</item>
/// <item>time offsets, right after the time namespace is unshared and before anything enters it;</item>
/// <item>with a new user namespace, the monitor raises the child's hard rlimits from outside it, before the release;</item>
/// <item>sysctls (once the container's /proc is mounted), oom_score_adj, rlimits, personality, while still privileged;</item>
/// <item>last, the bounding set, then keep-caps, groups, gid, uid, then capset and the ambient set, then
/// no_new_privs: a non-root user keeps exactly the capabilities asked for.</item>
/// </list>
/// </summary>
internal static class IdentityPlanner
{
    /// <summary>The sync tag the monitor reports when the host must run newuidmap and newgidmap.</summary>
    public const uint SyncIdMaps = 0x49440001;

    public const uint PR_SET_KEEPCAPS = 8, PR_SET_NO_NEW_PRIVS = 38;

    /// <summary>Whether the container's process runs in a user namespace other than the host's.</summary>
    public static bool HasUserNamespace(ContainerSpec spec) => spec.Namespaces[NamespaceKind.User] is not null;

    /// <summary>Monitor steps after the clone: the id maps of a new user namespace.</summary>
    public static void MapIds(LaunchPlan plan, ContainerSpec spec, LaunchInputs inputs)
    {
        if (!spec.Namespaces.IsNew(NamespaceKind.User) || spec.UserNamespace is not { } userns)
            return;
        switch (inputs.IdMapWriter)
        {
            case IdMapWriter.Helpers:
                plan.HostSync(SyncIdMaps, "newuidmap/newgidmap");
                break;
            default:
                // uid_map first; setgroups must say "deny" before an unprivileged writer may write gid_map.
                plan.WriteChildProc("uid_map", UserNamespaceSpec.MapText(userns.UidMappings));
                if (inputs.IdMapWriter == IdMapWriter.MonitorSetgroupsDenied)
                    plan.WriteChildProc("setgroups", "deny");
                plan.WriteChildProc("gid_map", UserNamespaceSpec.MapText(userns.GidMappings));
                break;
        }
    }

    /// <summary>
    /// Monitor steps before the release, for a new user namespace: inside it the child can lower its limits but never
    /// raise a hard one (that needs CAP_SYS_RESOURCE in the host's user namespace), so the monitor raises the child's
    /// hard limits from outside first, as runc does from its parent; the child sets the exact values later.
    /// </summary>
    public static void RaiseLimits(LaunchPlan plan, ContainerSpec spec)
    {
        if (!spec.Namespaces.IsNew(NamespaceKind.User))
            return;
        foreach (var r in spec.Process.Rlimits)
            plan.RaiseChildRlimit((uint)r.Resource, r.Hard, r.ToString());
    }

    /// <summary>First child steps after release: become root inside a (new or joined) user namespace.</summary>
    public static void BecomeRoot(LaunchPlan plan, ContainerSpec spec, LaunchInputs inputs)
    {
        if (!HasUserNamespace(spec))
            return;
        plan.SetResGid(0);
        plan.SetResUid(0);
        RestoreDeathSignal(plan, inputs); // a credential change clears it
    }

    /// <summary>Right after unshare(CLONE_NEWTIME): the clocks' offsets, before any process enters the namespace.</summary>
    public static void TimeOffsets(LaunchPlan plan, ContainerSpec spec)
    {
        if (spec.TimeOffsets is { } offsets)
            plan.WriteProc("/proc/self/timens_offsets", offsets.ToProcText());
    }

    /// <summary>After the container's /proc is mounted, while the process still holds every capability.</summary>
    public static void KernelSettings(LaunchPlan plan, ContainerSpec spec, LaunchInputs inputs)
    {
        if (spec.NewSessionKeyring)
            plan.SessionKeyring($"_ses.{inputs.ContainerId}");
        foreach (var (key, value) in spec.Sysctls)
            plan.WriteProc(Sysctls.ProcPath(key), value);
        if (spec.Process.OomScoreAdj is { } oom)
            plan.WriteProc("/proc/self/oom_score_adj", oom.ToString(CultureInfo.InvariantCulture));
        foreach (var r in spec.Process.Rlimits)
            plan.SetRlimit((uint)r.Resource, r.Soft, r.Hard, r.ToString());
        if (spec.Personality is { } p)
            plan.Personality((uint)p);
    }

    /// <summary>
    /// After the last mount, before the capabilities are reduced (a new user namespace gives a full bounding set
    /// back): a nested user namespace mapping every container id to itself, and a mount namespace copied into it, in
    /// which the kernel locks each mount's flags and place.
    /// </summary>
    public static void LockMounts(LaunchPlan plan, ContainerSpec spec)
    {
        var userns = spec.UserNamespace ?? throw new InvalidOperationException("locking mounts needs the container's user namespace");
        static string Identity(IEnumerable<IdMapping> map) =>
            UserNamespaceSpec.MapText(map.Select(m => new IdMapping(m.ContainerId, m.ContainerId, m.Size)));
        plan.LockMounts(Identity(userns.UidMappings), Identity(userns.GidMappings));
    }

    /// <summary>
    /// The last steps before exec: the process's ids and capabilities, then no_new_privs. With
    /// <paramref name="keepSysAdmin"/>, CAP_SYS_ADMIN stays effective and permitted for a seccomp filter loaded later
    /// without no_new_privs (see <see cref="Seccomp.SeccompPlanner.NeedsSysAdmin"/>); the exec drops it.
    /// </summary>
    public static void SwitchUser(LaunchPlan plan, ContainerSpec spec, LaunchInputs inputs, bool keepSysAdmin = false)
    {
        var user = spec.Process.User;
        var caps = spec.Process.Capabilities;
        // Dropping from the bounding set needs CAP_SETPCAP in the effective set, which a uid change clears.
        plan.CapsBounding(caps.Bounding.Mask);
        if (!user.IsRoot)
            plan.Prctl(PR_SET_KEEPCAPS, 1, "PR_SET_KEEPCAPS");
        plan.SetGroups(user.AdditionalGids, ifAllowed: user.AdditionalGids.IsEmpty && HasUserNamespace(spec));
        plan.SetResGid(user.Gid);
        plan.SetResUid(user.Uid);
        // With keep-caps the permitted set survived the uid change: capset picks from it, then ambient ones
        // (permitted and inheritable by now) are raised so a non-root program keeps them across exec.
        var extra = keepSysAdmin ? 1UL << (int)Capability.SysAdmin : 0;
        plan.Caps(caps.Effective.Mask | extra, caps.Permitted.Mask | extra, caps.Inheritable.Mask, caps.Ambient.Mask);
        RestoreDeathSignal(plan, inputs);
        if (spec.Process.NoNewPrivileges)
            plan.Prctl(PR_SET_NO_NEW_PRIVS, 1, "PR_SET_NO_NEW_PRIVS");
    }

    private static void RestoreDeathSignal(LaunchPlan plan, LaunchInputs inputs)
    {
        if (!inputs.Detached)
            plan.Prctl(PR_SET_PDEATHSIG, SIGKILL, "PR_SET_PDEATHSIG");
    }
}
