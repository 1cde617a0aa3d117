using System.Runtime.InteropServices;
using Containment.Namespaces;

namespace Containment.Launch;

/// <summary>What the host opened for one launch, handed to the plan compiler.</summary>
internal sealed class LaunchInputs
{
    /// <summary>Open namespace files for the namespaces the container joins.</summary>
    public Dictionary<NamespaceKind, SafeHandle> JoinedNamespaces { get; } = [];

    /// <summary>The outer user namespace of a joined nested one (a container with locked mounts), joined first.</summary>
    public SafeHandle? JoinedUserParent { get; set; }

    /// <summary>The container's ends of its standard streams (index 0–2); null passes the host's through.</summary>
    public SafeHandle?[] Stdio { get; } = new SafeHandle?[3];

    /// <summary>v1: cgroup.procs files the monitor writes the child's pid into (a joined process's cgroups, rootless).</summary>
    public List<SafeHandle> CgroupProcs { get; } = [];

    /// <summary>v1: the container's <c>tasks</c> files, which the child writes itself into first (<see cref="CgroupSelfJoin"/>).</summary>
    public List<SafeHandle> CgroupTasks { get; } = [];

    /// <summary>The host directories of the container's own cgroup (one per hierarchy), for a cgroup mount without a cgroup namespace.</summary>
    public IReadOnlyList<string> CgroupPaths { get; set; } = [];

    /// <summary>v2: the cgroup directory the child is cloned into.</summary>
    public SafeHandle? CgroupDirectory { get; set; }

    /// <summary>The root is mounted nodev before anything is mounted on it (no device allow list: <see cref="DeviceGuard"/>).</summary>
    public bool RootNoDev { get; init; }

    /// <summary>A device allow list decides which nodes open (<see cref="DeviceGuard"/>): only then are image nodes copied up.</summary>
    public bool DeviceListEnforced { get; init; }

    /// <summary>The container's id (names its session keyring).</summary>
    public string ContainerId { get; init; } = "";

    /// <summary>The child stops after its mounts, before pivot_root, until the host continues it.</summary>
    public bool SyncBeforePivot { get; init; }

    /// <summary>The monitor leaves once the child has exec'd; the container outlives its host.</summary>
    public bool Detached { get; init; }

    /// <summary>Descriptors opened only for this launch, closed once the plan is sent.</summary>
    public List<SafeHandle> Owned { get; } = [];

    /// <summary>The OCI start FIFO (an O_PATH descriptor), or null to exec as soon as setup is done.</summary>
    public SafeHandle? StartFifo { get; set; }

    /// <summary>The FIFO's path, for messages.</summary>
    public string? StartFifoPath { get; set; }

    /// <summary>How the new user namespace's id maps are written (decided from the host's privileges).</summary>
    public Identity.IdMapWriter IdMapWriter { get; set; } = Identity.IdMapWriter.Monitor;

    /// <summary>The detached trees of the bind mounts (and bound devices), opened on the host side.</summary>
    public Mounts.MountSources? MountSources { get; set; }

    /// <summary>The compiled seccomp filter (compiled by the launcher, with its logger), or null to compile it in the plan.</summary>
    public Seccomp.SeccompLoad? Seccomp { get; set; }

    /// <summary>The Landlock rules negotiated with the kernel (by the launcher, with its logger), or null to negotiate in the plan.</summary>
    public Landlock.LandlockLoad? Landlock { get; set; }

    /// <summary>The security modules the host enforces (null: probe this host).</summary>
    public Lsm.LsmHost? Lsm { get; set; }

    /// <summary>The SELinux context for the mounts that take one, or null (no label, or a host without SELinux).</summary>
    public string? MountLabel { get; set; }
    /// <summary>
    /// After its last mount the child moves into a nested user namespace and mount namespace, which locks every mount:
    /// a rootless container that may mount (CAP_SYS_ADMIN) cannot undo read-only or uncover what its mounts hide.
    /// </summary>
    public bool LockMounts { get; init; }

    /// <summary>Test-only: resolve in-root paths by the O_NOFOLLOW walk, as on a kernel without openat2.</summary>
    public bool ResolveByWalk { get; init; }

    /// <summary>Test-only: fail at this step with <see cref="FailErrno"/>.</summary>
    public int? FailAtStep { get; init; }

    public int FailErrno { get; init; } = Interop.Errno.EIO;
}
