using Containment.Launch;
using Containment.Namespaces;
using Microsoft.Extensions.Logging;

namespace Containment.Identity;

/// <summary>
/// What changes when the host is not root: the container gets a user namespace first (the caller mapped to root
/// inside) and everything else is done inside it; the id maps are written the way the caller's privileges allow.
/// </summary>
internal static class Rootless
{
    /// <summary>Whether the host lacks the privileges of root (then it runs rootless).</summary>
    public static bool IsRootless => !HostCredentials.IsPrivileged;

    /// <summary>
    /// A spec with a user namespace when the host is rootless and the spec has none: where the caller has subordinate
    /// ranges (and newuidmap/newgidmap exist), the container's root is the first subordinate id and the caller is not
    /// mapped, so the container cannot act as the caller; otherwise the caller itself is root inside (and the log says
    /// what that leaves open).
    /// </summary>
    public static ContainerSpec Adapt(ContainerSpec spec, ILogger logger)
    {
        if (!IsRootless || spec.Namespaces[NamespaceKind.User] is not null || spec.Rootfs is RootfsSpec.Joined)
            return spec;
        var name = HostCredentials.UserName;
        var uid = HostCredentials.EffectiveUid;
        var subuid = SubordinateIds.Read("/etc/subuid", name, uid);
        var subgid = SubordinateIds.Read("/etc/subgid", name, uid);
        if (subuid.Count > 0 && subgid.Count > 0 && File.Exists(IdMapHelpers.NewUidMap) && File.Exists(IdMapHelpers.NewGidMap))
        {
            logger.LogInformation("Rootless: the container gets a user namespace mapping root to subordinate uid {Uid} and gid {Gid} (the caller, uid {Caller}, is not mapped)",
                subuid[0].Start, subgid[0].Start, uid);
            return spec.WithUserNamespace(u => u.MapSubordinateIds());
        }
        logger.LogWarning("Rootless: uid {Uid} has no subordinate ids in /etc/subuid and /etc/subgid (or no newuidmap): the container gets a user namespace mapping uid {Uid} and gid {Gid} to root, "
            + "so it acts as the caller on the host (its files, unix sockets, keys; supplementary groups {Groups} are kept)",
            uid, uid, HostCredentials.EffectiveGid, string.Join(",", HostCredentials.SupplementaryGroups));
        return spec.WithUserNamespace(u => u.MapCurrentUserToRoot());
    }

    /// <summary>
    /// Whether the container's mounts are locked in a nested user namespace: rootless, with a new user namespace and
    /// CAP_SYS_ADMIN in the bounding set (without it nothing can be mounted or unmounted, and a user namespace the
    /// container makes itself gets a locked copy anyway).
    /// </summary>
    public static bool LocksMounts(ContainerSpec spec, ILogger logger)
    {
        if (!IsRootless || spec.Rootfs is RootfsSpec.Joined || !spec.Namespaces.IsNew(NamespaceKind.User)
            || !spec.Process.Capabilities.Bounding.Contains(Capabilities.Capability.SysAdmin))
            return false;
        logger.LogInformation("Rootless with CAP_SYS_ADMIN: the container's mounts are locked in a nested user namespace (its capabilities apply there and to a mount namespace of its own, not to its network, UTS or IPC namespace)");
        return true;
    }

    /// <summary>Who writes the id maps of <paramref name="spec"/>'s new user namespace; errors when nobody can.</summary>
    public static IdMapWriter ChooseMapWriter(ContainerSpec spec, List<SpecError> errors)
    {
        if (!spec.Namespaces.IsNew(NamespaceKind.User) || spec.UserNamespace is not { } userns || HostCredentials.CanWriteAnyIdMap)
            return IdMapWriter.Monitor;
        if (IsOwnIdOnly(userns.UidMappings, HostCredentials.EffectiveUid) && IsOwnIdOnly(userns.GidMappings, HostCredentials.EffectiveGid))
        {
            if (spec.Process.User.AdditionalGids.Length > 0)
                errors.Add(new("process.user.additionalGids", "an unprivileged host that maps only its own gid must deny setgroups: supplementary groups need subordinate gids (newgidmap)"));
            return IdMapWriter.MonitorSetgroupsDenied;
        }
        foreach (var helper in new[] { IdMapHelpers.NewUidMap, IdMapHelpers.NewGidMap })
            if (!File.Exists(helper))
                errors.Add(new("userNamespace", $"mapping more than the caller's own uid and gid without privilege needs {helper} (Debian package uidmap) and ranges in /etc/subuid and /etc/subgid"));
        return IdMapWriter.Helpers;
    }

    private static bool IsOwnIdOnly(IReadOnlyList<IdMapping> map, uint id) => map.Count == 1 && map[0].HostId == id && map[0].Size == 1;
}
