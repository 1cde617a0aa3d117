using Containment.Cgroups;
using Containment.Namespaces;

namespace Containment;

/// <summary>
/// Everything about a container that is decided before it starts: its root filesystem, namespaces,
/// hostname and process. Immutable: every <c>With*</c> method returns a changed copy. Validated as a
/// whole when the container starts, every problem reported at once.
/// </summary>
public sealed partial record ContainerSpec
{
    private ContainerSpec(RootfsSpec rootfs) => Rootfs = rootfs;

    /// <summary>The root filesystem.</summary>
    public RootfsSpec Rootfs { get; private init; }

    /// <summary>The namespaces. Default: <see cref="NamespaceSet.Isolated"/>.</summary>
    public NamespaceSet Namespaces { get; private init; } = NamespaceSet.Isolated;

    /// <summary>The hostname inside the container (needs a new UTS namespace), or null to keep the namespace's.</summary>
    public string? Hostname { get; private init; }

    /// <summary>The NIS domain name inside the container (needs a new UTS namespace), or null.</summary>
    public string? Domainname { get; private init; }

    /// <summary>The process to run.</summary>
    public ProcessSpec Process { get; private init; } = new();

    /// <summary>
    /// The container's cgroup limits, or null for no cgroup of its own. The container's first process is in its
    /// cgroup before it execs, and the cgroup is removed when the <see cref="ContainerProcess"/> is disposed.
    /// </summary>
    public CgroupSpec? Cgroup { get; private init; }

    /// <summary>
    /// An OCI <c>cgroupsPath</c>: absolute, or relative to the caller's own cgroup. Null: <c>/containment/&lt;id&gt;</c>.
    /// </summary>
    public string? CgroupsPath { get; private init; }

    /// <summary>Enter the root with <c>MS_MOVE</c> and <c>chroot</c> instead of <c>pivot_root</c> (for roots on ramfs).</summary>
    public bool NoPivotRoot { get; private init; }

    /// <summary>A container whose root is the directory <paramref name="path"/> (absolute).</summary>
    public static ContainerSpec FromRootfs(string path) => new(new RootfsSpec.Directory(path));

    /// <summary>A container that sees the host's filesystem read-only, with fresh <c>/proc</c>, <c>/dev</c>, <c>/sys</c>, <c>/tmp</c> and <c>/run</c>.</summary>
    public static ContainerSpec HostReadOnly() => new(new RootfsSpec.HostReadOnly());

    /// <summary>Sets the namespaces.</summary>
    public ContainerSpec WithNamespaces(NamespaceSet namespaces) => this with { Namespaces = namespaces };

    /// <summary>Changes the namespaces, starting from the current set.</summary>
    public ContainerSpec WithNamespaces(Func<NamespaceSet, NamespaceSet> change) => this with { Namespaces = change(Namespaces) };

    /// <summary>Sets the hostname.</summary>
    public ContainerSpec WithHostname(string hostname) => this with { Hostname = hostname };

    /// <summary>Sets the NIS domain name.</summary>
    public ContainerSpec WithDomainname(string domainname) => this with { Domainname = domainname };

    /// <summary>Describes the process, starting from the current description.</summary>
    public ContainerSpec WithProcess(Action<ProcessBuilder> build)
    {
        var builder = new ProcessBuilder(Process);
        build(builder);
        return this with { Process = builder.Spec };
    }

    /// <summary>Gives the container a cgroup of its own with these limits, e.g. <c>c => c.MemoryMax(256 * MiB).PidsMax(64)</c>.</summary>
    public ContainerSpec WithCgroup(Action<CgroupBuilder> build) => this with { Cgroup = (Cgroup ?? CgroupSpec.Empty).With(build) };

    /// <summary>Gives the container a cgroup of its own with these limits.</summary>
    public ContainerSpec WithCgroup(CgroupSpec cgroup) => this with { Cgroup = cgroup };

    /// <summary>Places the container's cgroup at an OCI <c>cgroupsPath</c> (absolute, or relative to the caller's cgroup).</summary>
    public ContainerSpec WithCgroupsPath(string path) => this with { CgroupsPath = path };

    /// <summary>Sets the process.</summary>
    public ContainerSpec WithProcess(ProcessSpec process) => this with { Process = process };

    /// <summary>Enters the root with <c>MS_MOVE</c> + <c>chroot</c> rather than <c>pivot_root</c>.</summary>
    public ContainerSpec WithNoPivotRoot(bool noPivot = true) => this with { NoPivotRoot = noPivot };

    /// <summary>Every problem with this spec; empty when it can be started.</summary>
    public IReadOnlyList<SpecError> Validate() => SpecValidator.Validate(this);
}
