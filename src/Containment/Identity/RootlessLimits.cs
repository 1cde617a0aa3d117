using Containment.Cgroups;
using Containment.Namespaces;
using Microsoft.Extensions.Logging;

namespace Containment.Identity;

/// <summary>
/// What a rootless launch does with cgroup limits when no cgroup was delegated to the caller: it fails, naming the
/// limits it cannot enforce, unless the caller opted out (<see cref="ContainerStartOptions.AllowUnenforcedLimits"/>).
/// A pids limit falls back to RLIMIT_NPROC, which the kernel counts per uid of the container's user namespace.
/// </summary>
internal static class RootlessLimits
{
    /// <summary>The limits <paramref name="cgroup"/> sets, by controller (devices are not limits: a user namespace cannot make device nodes).</summary>
    public static List<string> Requested(CgroupSpec cgroup)
    {
        var names = new List<string>();
        if (cgroup.Memory is not null)
            names.Add("memory");
        if (cgroup.Cpu is not null)
            names.Add("cpu");
        if (cgroup.Cpuset is not null)
            names.Add("cpuset");
        if (cgroup.PidsMax is { } pids && pids != CgroupSpec.Unlimited)
            names.Add("pids");
        if (cgroup.Io is not null)
            names.Add("io");
        if (cgroup.Hugetlb.Count > 0)
            names.Add("hugetlb");
        if (cgroup.Network is not null)
            names.Add("network");
        if (cgroup.Unified.Count > 0)
            names.Add("unified");
        return names;
    }

    /// <summary>
    /// The spec to start without a cgroup: pids as RLIMIT_NPROC (with a new user namespace and no RLIMIT_NPROC of
    /// its own); throws <see cref="ContainerSpecException"/> naming any other limit unless <paramref name="allowUnenforced"/>.
    /// </summary>
    public static ContainerSpec WithoutCgroup(ContainerSpec spec, bool allowUnenforced, string reason, ILogger logger)
    {
        var requested = Requested(spec.Cgroup ?? CgroupSpec.Empty);
        if (spec.Cgroup?.PidsMax is > 0 and var pids && spec.Namespaces.IsNew(NamespaceKind.User)
            && !spec.Process.Rlimits.Any(r => r.Resource == ResourceLimit.Nproc))
        {
            var n = (ulong)pids;
            spec = spec.WithProcess(p => p.Rlimit(ResourceLimit.Nproc, n, n));
            requested.Remove("pids");
            logger.LogWarning("Rootless: pids.max {Pids} is enforced as RLIMIT_NPROC {Pids}, a per-user count: each uid of the container's user namespace may have that many processes and threads", n, n);
        }
        var uid = HostCredentials.EffectiveUid;
        if (requested.Count > 0 && !allowUnenforced)
            throw new ContainerSpecException([new SpecError("cgroup",
                $"the limits {string.Join(", ", requested)} cannot be enforced: no cgroup was delegated to uid {uid} ({reason}); delegate one (a systemd user slice with Delegate=yes), "
                + "or set ContainerStartOptions.AllowUnenforcedLimits to run without them")]);
        logger.LogWarning("Rootless: no cgroup was delegated to uid {Uid}, so the container runs without its cgroup{Limits} ({Reason})",
            uid, requested.Count > 0 ? " limits " + string.Join(", ", requested) : "", reason);
        return spec;
    }
}
