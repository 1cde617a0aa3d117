namespace Containment.Identity;

/// <summary>Who writes a new user namespace's uid_map and gid_map.</summary>
internal enum IdMapWriter
{
    /// <summary>The executor's monitor writes both: the host holds CAP_SETUID and CAP_SETGID.</summary>
    Monitor,

    /// <summary>
    /// The monitor writes both, with <c>setgroups</c> denied first: an unprivileged host mapping only its own uid and
    /// gid (the kernel allows that much, and no more, without privilege).
    /// </summary>
    MonitorSetgroupsDenied,

    /// <summary>The host runs the setuid helpers <c>newuidmap</c> and <c>newgidmap</c> (subordinate ids in /etc/subuid, /etc/subgid).</summary>
    Helpers,
}
