namespace Containment.Cgroups;

/// <summary>
/// Builds a <see cref="CgroupSpec"/>. Every method returns the builder, so calls chain:
/// <c>c =&gt; c.MemoryMax(256 * ByteSize.MiB).PidsMax(64).CpuQuota(0.5)</c>. Values are checked by
/// <see cref="CgroupSpec.Validate()"/>, not here, so that every problem is reported at once.
/// </summary>
public sealed class CgroupBuilder
{
    internal CgroupBuilder(CgroupSpec start) => Spec = start;

    internal CgroupSpec Spec { get; private set; }

    private CgroupBuilder Set(Func<CgroupSpec, CgroupSpec> change)
    {
        Spec = change(Spec);
        return this;
    }

    private CgroupBuilder Memory(Func<MemorySettings, MemorySettings> change) => Set(s => s with { Memory = change(s.Memory ?? new()) });
    private CgroupBuilder Cpu(Func<CpuSettings, CpuSettings> change) => Set(s => s with { Cpu = change(s.Cpu ?? new()) });
    private CgroupBuilder Io(Func<IoSettings, IoSettings> change) => Set(s => s with { Io = change(s.Io ?? new()) });
    private CgroupBuilder Error(string field, string message) => Set(s => s with { BuildErrors = [.. s.BuildErrors, new SpecError(field, message)] });

    /// <summary>The smallest memory limit <see cref="MemoryMax"/> takes: below it a process is OOM-killed before it runs anything.</summary>
    public const long MinimumMemoryMax = 4 * ByteSize.MiB;

    /// <summary>
    /// The memory limit in bytes (at least <see cref="MinimumMemoryMax"/>), or <see cref="CgroupSpec.Unlimited"/>.
    /// </summary>
    public CgroupBuilder MemoryMax(long bytes) => bytes is > 0 and < MinimumMemoryMax
        ? Error("memory.max", $"{bytes} bytes is below the minimum of 4 MiB: the process would be OOM-killed as it starts (sizes are in bytes: 256 * ByteSize.MiB)")
        : Memory(m => m with { Max = bytes });

    /// <summary>The memory limit as an OCI configuration gives it: any size (runc and crun take any).</summary>
    internal CgroupBuilder MemoryMaxAnySize(long bytes) => Memory(m => m with { Max = bytes });

    /// <summary>The memory reservation (soft limit, v2 <c>memory.low</c>) in bytes.</summary>
    public CgroupBuilder MemoryReservation(long bytes) => Memory(m => m with { Reservation = bytes });

    /// <summary>The limit of memory plus swap in bytes (docker's <c>--memory-swap</c>), or <see cref="CgroupSpec.Unlimited"/>.</summary>
    public CgroupBuilder MemorySwapMax(long bytes) => Memory(m => m with { MemoryAndSwapMax = bytes });

    /// <summary>The v1 swappiness, 0–100.</summary>
    public CgroupBuilder Swappiness(int swappiness) => Memory(m => m with { Swappiness = swappiness });

    /// <summary>Kill every process of the cgroup together on OOM (v2 <c>memory.oom.group</c>).</summary>
    public CgroupBuilder OomGroup(bool enabled = true) => Memory(m => m with { OomGroup = enabled });

    /// <summary>Turns the OOM killer off for the cgroup (v1 <c>memory.oom_control</c>; cgroup v2 has no such switch).</summary>
    public CgroupBuilder DisableOomKiller(bool disabled = true) => Memory(m => m with { DisableOomKiller = disabled });

    /// <summary>The v1 CPU shares (2–262144); converted to a weight on v2.</summary>
    public CgroupBuilder CpuShares(long shares) => Cpu(c => c with { Shares = shares });

    /// <summary>The v2 CPU weight (1–10000); converted to shares on v1.</summary>
    public CgroupBuilder CpuWeight(long weight) => Cpu(c => c with { Weight = weight });

    /// <summary>Limits CPU time to <paramref name="cpus"/> CPUs' worth (0.5 = half a CPU) per 100 ms period.</summary>
    public CgroupBuilder CpuQuota(double cpus) =>
        double.IsFinite(cpus) && cpus > 0 && cpus < 1e6
            ? CpuQuota((long)Math.Round(cpus * CpuSettings.DefaultPeriod), CpuSettings.DefaultPeriod)
            : Error("cgroup.cpu.quota", $"{cpus} CPUs is not a positive number of CPUs");

    /// <summary>Limits CPU time to <paramref name="quotaMicroseconds"/> per <paramref name="periodMicroseconds"/>.</summary>
    public CgroupBuilder CpuQuota(long quotaMicroseconds, long periodMicroseconds = CpuSettings.DefaultPeriod) =>
        Cpu(c => c with { Quota = quotaMicroseconds, Period = periodMicroseconds });

    /// <summary>The CPU burst in microseconds.</summary>
    public CgroupBuilder CpuBurst(long microseconds) => Cpu(c => c with { Burst = microseconds });

    /// <summary>Schedules the cgroup's processes as SCHED_IDLE.</summary>
    public CgroupBuilder CpuIdle(bool idle = true) => Cpu(c => c with { Idle = idle });

    /// <summary>The CPUs allowed, as a list such as <c>0-1,3</c>.</summary>
    public CgroupBuilder Cpus(string cpus) => Set(s => s with { Cpuset = (s.Cpuset ?? new()) with { Cpus = cpus } });

    /// <summary>The memory nodes allowed, as a list such as <c>0</c>.</summary>
    public CgroupBuilder Mems(string mems) => Set(s => s with { Cpuset = (s.Cpuset ?? new()) with { Mems = mems } });

    /// <summary>The maximum number of processes and threads, or <see cref="CgroupSpec.Unlimited"/>.</summary>
    public CgroupBuilder PidsMax(long max) => Set(s => s with { PidsMax = max });

    /// <summary>The block I/O weight on the v1 scale 10–1000.</summary>
    public CgroupBuilder IoWeight(long weight) => Io(i => i with { Weight = weight });

    /// <summary>The weight of one block device on the v1 scale 10–1000.</summary>
    public CgroupBuilder IoDeviceWeight(long major, long minor, long weight) =>
        Io(i => i with { DeviceWeights = [.. i.DeviceWeights, new IoDeviceWeight(major, minor, weight)] });

    /// <summary>A rate limit on one block device.</summary>
    public CgroupBuilder IoThrottle(long major, long minor, IoThrottleKind kind, long rate) =>
        Io(i => i with { Throttles = [.. i.Throttles, new IoThrottle(major, minor, kind, rate)] });

    /// <summary>A limit in bytes on huge pages of one size (<c>2MB</c>, <c>1GB</c>).</summary>
    public CgroupBuilder HugetlbMax(string pageSize, long bytes) => Set(s => s with { Hugetlb = [.. s.Hugetlb, new HugetlbLimit(pageSize, bytes)] });

    /// <summary>Appends a device rule.</summary>
    public CgroupBuilder Device(DeviceRule rule) => Set(s => s with { Devices = [.. s.Devices ?? [], rule] });

    /// <summary>Denies every device (the usual first rule).</summary>
    public CgroupBuilder DenyAllDevices() => Device(new DeviceRule(false, DeviceType.All, null, null, DeviceAccess.All));

    /// <summary>Allows a device: <paramref name="type"/> is <c>a</c>, <c>c</c> or <c>b</c>, null numbers match any, access is letters of <c>rwm</c>.</summary>
    public CgroupBuilder AllowDevice(char type, long? major, long? minor, string access = "rwm") => DeviceRule(true, type, major, minor, access);

    /// <summary>Denies a device; the arguments are those of <see cref="AllowDevice"/>.</summary>
    public CgroupBuilder DenyDevice(char type, long? major, long? minor, string access = "rwm") => DeviceRule(false, type, major, minor, access);

    private CgroupBuilder DeviceRule(bool allow, char type, long? major, long? minor, string access)
    {
        var index = Spec.Devices?.Count ?? 0;
        var parsed = Cgroups.DeviceRule.ParseAccess(access);
        if (parsed is null) Error($"cgroup.devices[{index}].access", $"'{access}' is not a combination of r, w and m");
        return Device(new DeviceRule(allow, (DeviceType)type, major, minor, parsed ?? DeviceAccess.None));
    }

    /// <summary>The v1 <c>net_cls.classid</c>.</summary>
    public CgroupBuilder NetClassId(uint classId) => Set(s => s with { Network = (s.Network ?? new()) with { ClassId = classId } });

    /// <summary>A v1 <c>net_prio</c> priority for one interface.</summary>
    public CgroupBuilder NetPriority(string networkInterface, uint priority) =>
        Set(s => s with { Network = (s.Network ?? new()) with { Priorities = [.. s.Network?.Priorities ?? [], new NetworkPriority(networkInterface, priority)] } });

    /// <summary>A cgroup v2 file written verbatim (OCI <c>unified</c>).</summary>
    public CgroupBuilder Unified(string file, string value) =>
        Set(s => s with { Unified = new Dictionary<string, string>(s.Unified) { [file] = value } });

    /// <summary>Lets a controller (<c>memory</c>) or a file (<c>memory.swappiness</c>) be skipped when the kernel lacks it.</summary>
    public CgroupBuilder Optional(string controllerOrFile) => Set(s => s with { Optional = new HashSet<string>(s.Optional) { controllerOrFile } });
}
