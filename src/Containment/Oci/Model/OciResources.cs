using System.Text.Json.Serialization;

namespace Containment.Oci;

/// <summary>cgroup limits (<c>linux.resources</c>).</summary>
internal sealed record OciResources
{
    /// <summary>Value equality: the same data, lists and maps compared by content.</summary>
    public bool Equals(OciResources? other) => OciEquality.Same(this, other, OciJsonContext.Default.OciResources);

    /// <inheritdoc />
    public override int GetHashCode() => OciEquality.Hash(this, OciJsonContext.Default.OciResources);

    /// <summary>Parses a resources object alone (what <c>update -r</c> reads).</summary>
    /// <exception cref="OciConfigException">The JSON is malformed or a value has the wrong type.</exception>
    public static OciResources Parse(string json) => OciJson.Deserialize(json, OciJsonContext.Default.OciResources, source: null);

    /// <summary>The device allow-list rules, applied in order.</summary>
    public IReadOnlyList<OciDeviceRule>? Devices { get; init; }

    /// <summary>The memory controller.</summary>
    public OciMemory? Memory { get; init; }

    /// <summary>The cpu and cpuset controllers.</summary>
    public OciCpu? Cpu { get; init; }

    /// <summary>The pids controller.</summary>
    public OciPids? Pids { get; init; }

    /// <summary>The blkio (v1) or io (v2) controller.</summary>
    [JsonPropertyName("blockIO")]
    public OciBlockIo? BlockIo { get; init; }

    /// <summary>The hugetlb controller.</summary>
    public IReadOnlyList<OciHugepageLimit>? HugepageLimits { get; init; }

    /// <summary>The net_cls and net_prio controllers.</summary>
    public OciNetwork? Network { get; init; }

    /// <summary>The rdma controller, keyed by device name.</summary>
    public IReadOnlyDictionary<string, OciRdma>? Rdma { get; init; }

    /// <summary>cgroup v2 files written as given (<c>memory.high</c> → <c>1G</c>).</summary>
    public IReadOnlyDictionary<string, string>? Unified { get; init; }
}

/// <summary>One device allow-list rule.</summary>
internal sealed record OciDeviceRule
{
    /// <summary>Whether the rule allows (or denies) access.</summary>
    public bool Allow { get; init; }

    /// <summary><c>a</c> (all), <c>c</c> or <c>b</c>; absent means all.</summary>
    public string? Type { get; init; }

    /// <summary>The major number; absent means all.</summary>
    public long? Major { get; init; }

    /// <summary>The minor number; absent means all.</summary>
    public long? Minor { get; init; }

    /// <summary>Some of <c>r</c>, <c>w</c>, <c>m</c>.</summary>
    public string? Access { get; init; }
}

/// <summary>Memory limits, in bytes (-1 is unlimited).</summary>
internal sealed record OciMemory
{
    /// <summary>The hard limit.</summary>
    public long? Limit { get; init; }

    /// <summary>The soft limit.</summary>
    public long? Reservation { get; init; }

    /// <summary>The limit of memory plus swap.</summary>
    public long? Swap { get; init; }

    /// <summary>Deprecated kernel memory limit.</summary>
    public long? Kernel { get; init; }

    /// <summary>Kernel TCP buffer limit (cgroup v1).</summary>
    [JsonPropertyName("kernelTCP")]
    public long? KernelTcp { get; init; }

    /// <summary>Swappiness, 0 to 100.</summary>
    public ulong? Swappiness { get; init; }

    /// <summary>Whether the OOM killer is disabled (cgroup v1).</summary>
    [JsonPropertyName("disableOOMKiller")]
    public bool? DisableOomKiller { get; init; }

    /// <summary>Whether hierarchical accounting is enabled (cgroup v1).</summary>
    public bool? UseHierarchy { get; init; }

    /// <summary>Whether a new limit below the current usage is rejected on update.</summary>
    public bool? CheckBeforeUpdate { get; init; }
}

/// <summary>CPU limits.</summary>
internal sealed record OciCpu
{
    /// <summary>Relative weight (cgroup v1 <c>cpu.shares</c>).</summary>
    public ulong? Shares { get; init; }

    /// <summary>CPU time allowed per period, in microseconds (-1 is unlimited).</summary>
    public long? Quota { get; init; }

    /// <summary>Extra accumulated CPU time allowed per period, in microseconds.</summary>
    public ulong? Burst { get; init; }

    /// <summary>The CFS period, in microseconds.</summary>
    public ulong? Period { get; init; }

    /// <summary>Real-time runtime per period, in microseconds.</summary>
    public long? RealtimeRuntime { get; init; }

    /// <summary>The real-time period, in microseconds.</summary>
    public ulong? RealtimePeriod { get; init; }

    /// <summary>The CPUs allowed (<c>0-3,7</c>).</summary>
    public string? Cpus { get; init; }

    /// <summary>The memory nodes allowed.</summary>
    public string? Mems { get; init; }

    /// <summary>1 makes the cgroup SCHED_IDLE, 0 is the default.</summary>
    public long? Idle { get; init; }
}

/// <summary>The pids limit.</summary>
internal sealed record OciPids
{
    /// <summary>The maximum number of tasks; zero or less is unlimited.</summary>
    public long Limit { get; init; }
}

/// <summary>Block I/O limits.</summary>
internal sealed record OciBlockIo
{
    /// <summary>Value equality: the same data, lists and maps compared by content.</summary>
    public bool Equals(OciBlockIo? other) => OciEquality.Same(this, other, OciJsonContext.Default.OciBlockIo);

    /// <inheritdoc />
    public override int GetHashCode() => OciEquality.Hash(this, OciJsonContext.Default.OciBlockIo);

    /// <summary>The default weight, 10 to 1000.</summary>
    public ushort? Weight { get; init; }

    /// <summary>The weight against child cgroups (CFQ only).</summary>
    public ushort? LeafWeight { get; init; }

    /// <summary>Per-device weights.</summary>
    public IReadOnlyList<OciWeightDevice>? WeightDevice { get; init; }

    /// <summary>Per-device read limits, bytes per second.</summary>
    public IReadOnlyList<OciThrottleDevice>? ThrottleReadBpsDevice { get; init; }

    /// <summary>Per-device write limits, bytes per second.</summary>
    public IReadOnlyList<OciThrottleDevice>? ThrottleWriteBpsDevice { get; init; }

    /// <summary>Per-device read limits, operations per second.</summary>
    [JsonPropertyName("throttleReadIOPSDevice")]
    public IReadOnlyList<OciThrottleDevice>? ThrottleReadIopsDevice { get; init; }

    /// <summary>Per-device write limits, operations per second.</summary>
    [JsonPropertyName("throttleWriteIOPSDevice")]
    public IReadOnlyList<OciThrottleDevice>? ThrottleWriteIopsDevice { get; init; }
}

/// <summary>A per-device block I/O weight.</summary>
internal sealed record OciWeightDevice
{
    /// <summary>The device's major number.</summary>
    public long Major { get; init; }

    /// <summary>The device's minor number.</summary>
    public long Minor { get; init; }

    /// <summary>The weight, 10 to 1000.</summary>
    public ushort? Weight { get; init; }

    /// <summary>The weight against child cgroups (CFQ only).</summary>
    public ushort? LeafWeight { get; init; }
}

/// <summary>A per-device block I/O rate limit.</summary>
internal sealed record OciThrottleDevice
{
    /// <summary>The device's major number.</summary>
    public long Major { get; init; }

    /// <summary>The device's minor number.</summary>
    public long Minor { get; init; }

    /// <summary>The rate (bytes or operations per second).</summary>
    public ulong Rate { get; init; }
}

/// <summary>A hugetlb limit.</summary>
internal sealed record OciHugepageLimit
{
    /// <summary>The page size, such as <c>2MB</c> or <c>1GB</c>.</summary>
    public string PageSize { get; init; } = "";

    /// <summary>The limit, in bytes.</summary>
    public ulong Limit { get; init; }
}

/// <summary>Network classification and priorities.</summary>
internal sealed record OciNetwork
{
    /// <summary>Value equality: the same data, lists and maps compared by content.</summary>
    public bool Equals(OciNetwork? other) => OciEquality.Same(this, other, OciJsonContext.Default.OciNetwork);

    /// <inheritdoc />
    public override int GetHashCode() => OciEquality.Hash(this, OciJsonContext.Default.OciNetwork);

    /// <summary>The net_cls class id.</summary>
    [JsonPropertyName("classID")]
    public uint? ClassId { get; init; }

    /// <summary>The net_prio priority per interface.</summary>
    public IReadOnlyList<OciInterfacePriority>? Priorities { get; init; }
}

/// <summary>The priority of traffic leaving through one interface.</summary>
internal sealed record OciInterfacePriority
{
    /// <summary>The interface name.</summary>
    public string Name { get; init; } = "";

    /// <summary>The priority.</summary>
    public uint Priority { get; init; }
}

/// <summary>RDMA limits of one device.</summary>
internal sealed record OciRdma
{
    /// <summary>The maximum number of HCA handles.</summary>
    public uint? HcaHandles { get; init; }

    /// <summary>The maximum number of HCA objects.</summary>
    public uint? HcaObjects { get; init; }
}
