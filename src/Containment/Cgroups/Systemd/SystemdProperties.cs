using System.Globalization;
using Containment.Cgroups.Controllers;

namespace Containment.Cgroups.Systemd;

/// <summary>
/// The unit properties of a container's scope. The limits are derived from the very values the v2 driver writes to
/// the cgroup files (one source of truth): each file systemd has a property for becomes that property, so systemd's
/// view of the unit agrees with the kernel and a <c>daemon-reload</c> does not undo them. The files are still written
/// after (as runc does), which also covers what systemd has no property for (<c>memory.oom.group</c>,
/// <c>cpu.max.burst</c>, <c>cpu.idle</c>, hugetlb, other <c>unified</c> keys). Devices are left to the eBPF program
/// the library attaches itself (exact OCI semantics, which <c>DeviceAllow</c> cannot express): the scope keeps
/// systemd's <c>DevicePolicy=auto</c> with no rules, so systemd attaches no device program of its own.
/// </summary>
internal static class SystemdProperties
{
    /// <summary>The properties of a new scope: identity, placement, delegation, accounting, and the limits.</summary>
    public static List<UnitProperty> ForNewScope(SystemdScopePath path, string containerId, int pid, IEnumerable<CgroupWrite> writes)
    {
        var properties = new List<UnitProperty>
        {
            new("Description", $"containment container {containerId}"),
            new("Slice", path.Slice),
            new("Delegate", true),
            new("PIDs", new[] { (uint)pid }),
            // Like runc: no implicit dependencies on shutdown targets, and every accounting on for statistics.
            new("DefaultDependencies", false),
            new("MemoryAccounting", true),
            new("CPUAccounting", true),
            new("TasksAccounting", true),
            new("IOAccounting", true),
        };
        properties.AddRange(ForLimits(writes));
        return properties;
    }

    /// <summary>The properties for the cgroup v2 writes systemd has a property for; the rest are left to the files.</summary>
    public static List<UnitProperty> ForLimits(IEnumerable<CgroupWrite> writes)
    {
        var properties = new List<UnitProperty>();
        var devices = new Dictionary<string, List<UnitProperty.DeviceValue>>();
        foreach (var w in writes)
        {
            switch (w.File)
            {
                case "memory.max": properties.Add(new("MemoryMax", Limit(w.Value))); break;
                case "memory.high": properties.Add(new("MemoryHigh", Limit(w.Value))); break;
                case "memory.low": properties.Add(new("MemoryLow", Limit(w.Value))); break;
                case "memory.min": properties.Add(new("MemoryMin", Limit(w.Value))); break;
                case "memory.swap.max": properties.Add(new("MemorySwapMax", Limit(w.Value))); break;
                case "pids.max": properties.Add(new("TasksMax", Limit(w.Value))); break;
                case "cpu.weight": properties.Add(new("CPUWeight", Limit(w.Value))); break;
                case "cpu.max": properties.AddRange(CpuMax(w.Value)); break;
                case "cpuset.cpus" when CpuList.Parse(w.Value) is { } cpus: properties.Add(new("AllowedCPUs", BitMask.From(cpus))); break;
                case "cpuset.mems" when CpuList.Parse(w.Value) is { } mems: properties.Add(new("AllowedMemoryNodes", BitMask.From(mems))); break;
                case "io.weight": IoWeight(w.Value, properties, devices); break;
                case "io.max": IoMax(w.Value, devices); break;
            }
        }
        foreach (var (name, values) in devices)
            properties.Add(new(name, values.ToArray()));
        return properties;
    }

    /// <summary>
    /// <c>cpu.max</c> "quota period" as systemd's quota per second of wall time, rounded up to whole 10 ms as
    /// systemd keeps it in percent (runc does the same), and the period.
    /// </summary>
    private static IEnumerable<UnitProperty> CpuMax(string value)
    {
        var parts = value.Split(' ');
        ulong? period = parts.Length > 1 ? ulong.Parse(parts[1], CultureInfo.InvariantCulture) : null;
        if (parts[0] == "max")
            yield return new("CPUQuotaPerSecUSec", UnitProperty.Infinity);
        else
        {
            var quota = ulong.Parse(parts[0], CultureInfo.InvariantCulture);
            var perSecond = quota * 1_000_000 / (period ?? 100_000);
            if (perSecond % 10_000 != 0) perSecond = (perSecond / 10_000 + 1) * 10_000;
            yield return new("CPUQuotaPerSecUSec", perSecond);
        }
        if (period is { } p)
            yield return new("CPUQuotaPeriodUSec", p);
    }

    private static void IoWeight(string value, List<UnitProperty> properties, Dictionary<string, List<UnitProperty.DeviceValue>> devices)
    {
        var parts = value.Split(' ');
        if (parts is ["default", var weight]) properties.Add(new("IOWeight", Limit(weight)));
        else if (parts is [var device, var w]) Add(devices, "IODeviceWeight", BlockDevice(device), Limit(w));
    }

    /// <summary><c>io.max</c> "maj:min key=value..." as systemd's per-device bandwidth and IOPS limits.</summary>
    private static void IoMax(string value, Dictionary<string, List<UnitProperty.DeviceValue>> devices)
    {
        var parts = value.Split(' ');
        foreach (var setting in parts.Skip(1))
        {
            var (key, limit) = (setting.Split('=')[0], Limit(setting.Split('=')[^1]));
            var name = key switch
            {
                "rbps" => "IOReadBandwidthMax",
                "wbps" => "IOWriteBandwidthMax",
                "riops" => "IOReadIOPSMax",
                "wiops" => "IOWriteIOPSMax",
                _ => null,
            };
            if (name is not null) Add(devices, name, BlockDevice(parts[0]), limit);
        }
    }

    private static void Add(Dictionary<string, List<UnitProperty.DeviceValue>> devices, string name, string path, ulong value)
    {
        if (!devices.TryGetValue(name, out var list)) devices[name] = list = [];
        list.Add(new(path, value));
    }

    /// <summary>systemd takes a device path; <c>/dev/block/MAJ:MIN</c> names a block device by number (udev's links, and systemd resolves them).</summary>
    private static string BlockDevice(string majorMinor) => "/dev/block/" + majorMinor;

    private static ulong Limit(string value) => value == "max" ? UnitProperty.Infinity : ulong.Parse(value, CultureInfo.InvariantCulture);
}
