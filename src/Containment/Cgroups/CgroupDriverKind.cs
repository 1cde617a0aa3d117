namespace Containment.Cgroups;

/// <summary>Who creates and owns a container's cgroup.</summary>
public enum CgroupDriverKind
{
    /// <summary>
    /// The library itself, in the cgroup filesystem (the default): <c>cgroupsPath</c> is a directory path,
    /// absolute or relative to the caller's own cgroup.
    /// </summary>
    Cgroupfs,

    /// <summary>
    /// systemd, over D-Bus: the container's cgroup is a transient scope unit (<c>Delegate=yes</c>) in a slice, and
    /// <c>cgroupsPath</c> is <c>slice:prefix:name</c> (unit <c>prefix-name.scope</c> in <c>slice</c>; an empty slice
    /// is <c>system.slice</c>, or <c>user.slice</c> rootless). cgroup v2 only. What runc, crun and Podman call the
    /// systemd cgroup manager; Kubernetes nodes with <c>cgroupDriver: systemd</c> need it.
    /// </summary>
    Systemd,
}
