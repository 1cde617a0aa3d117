using Containment.Cgroups.Controllers;

namespace Containment.Cgroups;

/// <summary>
/// The contract a cgroup driver fulfils: create and configure a container's cgroup in its hierarchies and hand
/// back the live <see cref="CgroupPart"/>. Implementations: <see cref="V1.CgroupV1Driver"/> (v1 hierarchies) and
/// <see cref="V2.CgroupV2Driver"/> (the cgroup2 mount). A systemd driver (transient units over D-Bus) would be a
/// third implementation of this class; it is not built.
/// </summary>
internal abstract class CgroupDriver
{
    /// <summary>
    /// Creates (or joins, when it exists) the cgroup at <paramref name="cgroupsPath"/> (OCI semantics; null for the
    /// default path of <paramref name="containerId"/>) and writes the settings of <paramref name="controllers"/>.
    /// On failure, removes whatever it created and throws.
    /// </summary>
    public abstract CgroupPart Create(CgroupSpec spec, IReadOnlyList<CgroupController> controllers, string containerId, string? cgroupsPath);
}
