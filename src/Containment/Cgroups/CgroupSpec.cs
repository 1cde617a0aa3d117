namespace Containment.Cgroups;

/// <summary>
/// The resource limits and device policy of a container's cgroup. Immutable; build one with
/// <see cref="Build"/> (<c>CgroupSpec.Build(c =&gt; c.MemoryMax(256 * ByteSize.MiB).PidsMax(64))</c>)
/// or change one with <see cref="With"/>. A null setting leaves the kernel's default alone. Validated as a
/// whole by <see cref="Validate()"/> (and before any cgroup is created), every problem reported at once.
/// </summary>
public sealed record CgroupSpec
{
    /// <summary>The value meaning "no limit" for limits that accept it (memory, swap, pids, cpu quota).</summary>
    public const long Unlimited = -1;

    /// <summary>A spec that sets nothing: the container gets its own cgroup with the kernel's defaults.</summary>
    public static CgroupSpec Empty { get; } = new();

    /// <summary>Memory settings.</summary>
    public MemorySettings? Memory { get; init; }

    /// <summary>CPU bandwidth and weight.</summary>
    public CpuSettings? Cpu { get; init; }

    /// <summary>CPU and memory-node placement.</summary>
    public CpusetSettings? Cpuset { get; init; }

    /// <summary>The maximum number of processes and threads (<c>pids.max</c>), or <see cref="Unlimited"/>.</summary>
    public long? PidsMax { get; init; }

    /// <summary>Block I/O weights and throttles.</summary>
    public IoSettings? Io { get; init; }

    /// <summary>Huge page limits, one per page size.</summary>
    public IReadOnlyList<HugetlbLimit> Hugetlb { get; init; } = [];

    /// <summary>
    /// Device rules in order (later overrides earlier; anything unmatched is denied), or null to leave device
    /// access as the parent cgroup has it. On cgroup v2 they are enforced by an eBPF program the library emits.
    /// </summary>
    public IReadOnlyList<DeviceRule>? Devices { get; init; }

    /// <summary>cgroup v1 network class id and priorities.</summary>
    public NetworkSettings? Network { get; init; }

    /// <summary>cgroup v2 files written verbatim (file name → value), as OCI's <c>unified</c>.</summary>
    public IReadOnlyDictionary<string, string> Unified { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Controllers (<c>memory</c>) or files (<c>memory.swappiness</c>) that may be skipped when the running
    /// kernel lacks them. Any other missing file is an error naming the controller and the file.
    /// </summary>
    public IReadOnlySet<string> Optional { get; init; } = new HashSet<string>();

    /// <summary>Problems found while building (for example an unknown access letter), reported by <see cref="Validate()"/>.</summary>
    internal IReadOnlyList<SpecError> BuildErrors { get; init; } = [];

    /// <summary>Builds a spec.</summary>
    public static CgroupSpec Build(Action<CgroupBuilder> build) => Empty.With(build);

    /// <summary>A copy of this spec changed by <paramref name="build"/>.</summary>
    public CgroupSpec With(Action<CgroupBuilder> build)
    {
        var builder = new CgroupBuilder(this);
        build(builder);
        return builder.Spec;
    }

    /// <summary>Every problem with this spec on this machine; empty when it can be applied.</summary>
    public IReadOnlyList<SpecError> Validate() => CgroupValidator.Validate(this, MachineTopology.Host);

    /// <summary>Throws a <see cref="ContainerSpecException"/> listing every problem, if there is any.</summary>
    internal void ThrowIfInvalid(MachineTopology machine)
    {
        var errors = CgroupValidator.Validate(this, machine);
        if (errors.Count > 0) throw new ContainerSpecException(errors);
    }

    /// <summary>Whether a missing controller or file may be skipped.</summary>
    internal bool IsOptional(string controller, string file) => Optional.Contains(controller) || Optional.Contains(file);
}
