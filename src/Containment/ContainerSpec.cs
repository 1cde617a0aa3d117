using System.Collections.Immutable;
using Containment.Capabilities;
using Containment.Cgroups;
using Containment.Identity;
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

    /// <summary>The hostname inside the container (needs a UTS namespace of its own: new, or joined by path), or null to keep the namespace's.</summary>
    public string? Hostname { get; private init; }

    /// <summary>The NIS domain name inside the container (needs a UTS namespace of its own: new, or joined by path), or null.</summary>
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

    /// <summary>The id mappings of the container's new user namespace, or null when it has none (or joins one).</summary>
    public UserNamespaceSpec? UserNamespace { get; private init; }

    /// <summary>Namespaced sysctls to set (<c>net.*</c>, IPC and UTS ones), by name.</summary>
    public ImmutableSortedDictionary<string, string> Sysctls { get; private init; } = ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal);

    /// <summary>The execution domain, or null to keep the host's.</summary>
    public Personality? Personality { get; private init; }

    /// <summary>The clock offsets of the container's new time namespace, or null.</summary>
    public TimeOffsets? TimeOffsets { get; private init; }

    /// <summary>A container whose root is the directory <paramref name="path"/> (absolute).</summary>
    public static ContainerSpec FromRootfs(string path) => new(new RootfsSpec.Directory(path));

    /// <summary>A container that sees the host's filesystem read-only, with fresh <c>/proc</c>, <c>/dev</c>, <c>/sys</c>, <c>/tmp</c> and <c>/run</c>.</summary>
    public static ContainerSpec HostReadOnly() => new(new RootfsSpec.HostReadOnly());

    /// <summary>
    /// A process that joins a running container (the OCI <c>exec</c>): every namespace of <paramref name="pid"/>
    /// that differs from the host's, its root, and its cgroup. Nothing is mounted.
    /// </summary>
    /// <remarks>
    /// The process's start time is recorded with its pid: should it exit and the pid name another process by the time
    /// the spec is launched, the launch is refused rather than joining a stranger's namespaces.
    /// </remarks>
    /// <exception cref="ContainmentException">Process <paramref name="pid"/> does not exist or its namespaces cannot be read.</exception>
    public static ContainerSpec JoinRunning(int pid) =>
        JoinRunning(Oci.ProcessIdentity.Of(pid) ?? throw new ContainmentException($"process {pid} does not exist"));

    /// <summary>As <see cref="JoinRunning(int)"/>, for a process known by its pid and start time (a recorded container's init).</summary>
    internal static ContainerSpec JoinRunning(Oci.ProcessIdentity process)
    {
        var pid = process.Pid;
        var namespaces = NamespaceSet.Host;
        foreach (var kind in Enum.GetValues<NamespaceKind>())
        {
            var name = NamespaceFlags.ProcName(kind);
            var theirs = new FileInfo($"/proc/{pid}/ns/{name}").LinkTarget;
            if (theirs is null)
                throw new ContainmentException($"process {pid} does not exist or its namespaces cannot be read");
            if (theirs != new FileInfo($"/proc/self/ns/{name}").LinkTarget)
                namespaces = namespaces.Join(kind, $"/proc/{pid}/ns/{name}");
        }
        return new ContainerSpec(new RootfsSpec.Joined(pid) { StartTime = process.StartTime }) { Namespaces = namespaces };
    }

    /// <summary>Sets the namespaces: which are new, joined or shared with the host (default <see cref="NamespaceSet.Isolated"/>).</summary>
    public ContainerSpec WithNamespaces(NamespaceSet namespaces) => this with { Namespaces = namespaces };

    /// <summary>Changes the namespaces, starting from the current set.</summary>
    public ContainerSpec WithNamespaces(Func<NamespaceSet, NamespaceSet> change) => this with { Namespaces = change(Namespaces) };

    /// <summary>Sets the hostname seen inside the container: 1 to 64 characters, and a new UTS namespace (both checked when the spec is validated).</summary>
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

    /// <summary>
    /// Gives the container a new user namespace with these id mappings, e.g.
    /// <c>u => u.MapUser(0, 100000, 65536).MapGroup(0, 100000, 65536)</c>. Container uid and gid 0 must be mapped.
    /// </summary>
    public ContainerSpec WithUserNamespace(Action<UserNamespaceBuilder> build)
    {
        var builder = new UserNamespaceBuilder(UserNamespace ?? UserNamespaceSpec.Empty);
        build(builder);
        return WithUserNamespace(builder.Spec);
    }

    /// <summary>Gives the container a new user namespace with these id mappings.</summary>
    public ContainerSpec WithUserNamespace(UserNamespaceSpec userNamespace) =>
        this with { UserNamespace = userNamespace, Namespaces = Namespaces.With(NamespaceKind.User) };

    /// <summary>Sets a namespaced sysctl (e.g. <c>net.ipv4.ip_unprivileged_port_start</c>); system-wide ones are refused at validation.</summary>
    public ContainerSpec WithSysctl(string key, string value) => this with { Sysctls = Sysctls.SetItem(key, value) };

    /// <summary>Sets the execution domain (<c>personality(2)</c>).</summary>
    public ContainerSpec WithPersonality(Personality personality) => this with { Personality = personality };

    /// <summary>
    /// Whether the process joins a new session keyring of its own (named <c>_ses.&lt;container id&gt;</c>) instead of
    /// keeping the caller's, so no key the host's session holds is reachable from the container. Default: true (as
    /// runc without <c>--no-new-keyring</c>).
    /// </summary>
    public bool NewSessionKeyring { get; private init; } = true;

    /// <summary>Sets <see cref="NewSessionKeyring"/>: false keeps the caller's session keyring (runc's <c>--no-new-keyring</c>).</summary>
    public ContainerSpec WithNewSessionKeyring(bool enabled) => this with { NewSessionKeyring = enabled };

    /// <summary>Gives the container a new time namespace whose clocks are offset from the host's.</summary>
    public ContainerSpec WithTimeOffsets(TimeSpan monotonic, TimeSpan boottime) =>
        this with { TimeOffsets = new TimeOffsets(monotonic, boottime), Namespaces = Namespaces.With(NamespaceKind.Time) };

    /// <summary>Sets the process's capabilities to <paramref name="set"/> (bounding, effective, permitted; no inheritable or ambient ones).</summary>
    public ContainerSpec WithCapabilities(CapabilitySet set) => this with { Process = Process with { Capabilities = CapabilitySpec.Of(set) } };

    /// <summary>Changes the process's capability sets, starting from the current ones (by default the common container set).</summary>
    public ContainerSpec WithCapabilities(Action<CapabilitiesBuilder> build) =>
        this with { Process = Process with { Capabilities = Process.Capabilities.With(build) } };

    /// <summary>Every problem with this spec; empty when it can be started.</summary>
    public IReadOnlyList<SpecError> Validate() => SpecValidator.Validate(this);
}
