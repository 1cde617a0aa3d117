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

    /// <summary>A spec with a user namespace when the host is rootless and the spec has none.</summary>
    public static ContainerSpec Adapt(ContainerSpec spec, ILogger logger)
    {
        if (!IsRootless || spec.Namespaces[NamespaceKind.User] is not null || spec.Rootfs is RootfsSpec.Joined)
            return spec;
        logger.LogInformation("Rootless: the container gets a user namespace mapping uid {Uid} and gid {Gid} to root", HostCredentials.EffectiveUid, HostCredentials.EffectiveGid);
        return spec.WithUserNamespace(u => u.MapCurrentUserToRoot());
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
