using Containment.Cgroups;

namespace Containment;

public sealed partial record ContainerSpec
{
    /// <summary>Who creates the container's cgroup: the library in the cgroup filesystem (default), or systemd.</summary>
    public CgroupDriverKind CgroupDriver { get; private init; } = CgroupDriverKind.Cgroupfs;

    /// <summary>
    /// Chooses who creates the container's cgroup. With <see cref="CgroupDriverKind.Systemd"/> it is a transient
    /// systemd scope created over D-Bus (<c>cgroupsPath</c> then reads <c>slice:prefix:name</c>), as on hosts where
    /// systemd owns the cgroup tree.
    /// </summary>
    public ContainerSpec WithCgroupDriver(CgroupDriverKind driver) => this with { CgroupDriver = driver };
}
