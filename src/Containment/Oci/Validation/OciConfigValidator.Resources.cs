using System.Text.RegularExpressions;

namespace Containment.Oci;

internal sealed partial class OciConfigValidator
{
    [GeneratedRegex(@"^[1-9][0-9]*[KMGTP]B$", RegexOptions.CultureInvariant)]
    private static partial Regex PageSize();

    /// <summary>Checks resources alone (<c>update -r</c>).</summary>
    public static IReadOnlyList<SpecError> ValidateResources(OciResources resources)
    {
        var validator = new OciConfigValidator(new OciConfig());
        validator.CheckResources(resources);
        return validator._errors;
    }

    private void CheckResources(OciResources r)
    {
        const string f = "linux.resources";
        if (r.Devices is { } rules)
            for (var i = 0; i < rules.Count; i++) CheckDeviceRule($"{f}.devices[{i}]", rules[i]);

        if (r.Memory is { } m)
        {
            foreach (var (name, value) in new[] { ("limit", m.Limit), ("reservation", m.Reservation), ("swap", m.Swap), ("kernel", m.Kernel), ("kernelTCP", m.KernelTcp) })
                if (value is < -1) Error($"{f}.memory.{name}", $"{value} is not a limit (bytes, or -1 for unlimited)");
            if (m.Swappiness is > 100) Error($"{f}.memory.swappiness", $"{m.Swappiness} is outside 0..100");
            if (m.Limit is > 0 && m.Swap is > 0 && m.Swap < m.Limit)
                Error($"{f}.memory.swap", $"the memory+swap limit {m.Swap} is below the memory limit {m.Limit}");
        }

        if (r.Cpu is { } cpu)
        {
            if (cpu.Period is { } period && period is < 1_000 or > 1_000_000)
                Error($"{f}.cpu.period", $"{period} µs is outside 1000..1000000");
            if (cpu.Quota is { } quota && quota != -1 && quota < 1_000)
                Error($"{f}.cpu.quota", $"{quota} µs is neither -1 (unlimited) nor at least 1000");
            if (cpu.Burst is { } burst && cpu.Quota is > 0 && burst > (ulong)cpu.Quota.Value)
                Error($"{f}.cpu.burst", $"the burst {burst} exceeds the quota {cpu.Quota}");
            if (cpu.Idle is not (null or 0 or 1)) Error($"{f}.cpu.idle", "must be 0 or 1");
            if (cpu.RealtimeRuntime is { } runtime && cpu.RealtimePeriod is { } rtPeriod && runtime > 0 && (ulong)runtime > rtPeriod)
                Error($"{f}.cpu.realtimeRuntime", "must not exceed realtimePeriod");
            CheckCpuList($"{f}.cpu.cpus", cpu.Cpus);
            CheckCpuList($"{f}.cpu.mems", cpu.Mems);
        }

        if (r.BlockIo is { } io) CheckBlockIo($"{f}.blockIO", io);

        if (r.HugepageLimits is { } hugepages)
        {
            var sizes = new HashSet<string>();
            for (var i = 0; i < hugepages.Count; i++)
            {
                var h = hugepages[i];
                if (h is null) { Error($"{f}.hugepageLimits[{i}]", "must not be null"); continue; }
                if (h.PageSize is null || !PageSize().IsMatch(h.PageSize)) Error($"{f}.hugepageLimits[{i}].pageSize", $"\"{h.PageSize}\" is not a page size such as 2MB");
                else if (!sizes.Add(h.PageSize)) Error($"{f}.hugepageLimits[{i}].pageSize", $"{h.PageSize} is listed more than once");
            }
        }

        if (r.Network?.Priorities is { } priorities)
            for (var i = 0; i < priorities.Count; i++)
                if (string.IsNullOrEmpty(priorities[i]?.Name)) Error($"{f}.network.priorities[{i}].name", "is required");

        if (r.Rdma is { } rdma)
            foreach (var (device, limits) in rdma)
                if (limits is null || (limits.HcaHandles is null && limits.HcaObjects is null))
                    Error($"{f}.rdma.{device}", "set hcaHandles, hcaObjects or both");

        if (r.Unified is { } unified)
            foreach (var (key, value) in unified)
            {
                if (key.Length == 0 || key.Contains('/') || key is "." or ".." || !key.Contains('.'))
                    Error($"{f}.unified.{key}", "is not a cgroup file name such as memory.high");
                if (value is null) Error($"{f}.unified.{key}", "must not be null");
            }
    }

    private void CheckDeviceRule(string field, OciDeviceRule rule)
    {
        if (rule is null) { Error(field, "must not be null"); return; }
        if (rule.Type is not (null or "a" or "c" or "b")) Error($"{field}.type", $"unknown device type \"{rule.Type}\" (a, c or b)");
        if (rule.Access is { } access && (access.Length == 0 || access.Any(ch => ch is not ('r' or 'w' or 'm'))))
            Error($"{field}.access", $"\"{access}\" is not made of r, w and m");
        if (rule.Major is < -1) Error($"{field}.major", "must be a device number, or -1 for all");
        if (rule.Minor is < -1) Error($"{field}.minor", "must be a device number, or -1 for all");
    }

    private void CheckBlockIo(string f, OciBlockIo io)
    {
        CheckWeight($"{f}.weight", io.Weight);
        CheckWeight($"{f}.leafWeight", io.LeafWeight);
        if (io.WeightDevice is { } devices)
            for (var i = 0; i < devices.Count; i++)
            {
                var d = devices[i];
                if (d is null) { Error($"{f}.weightDevice[{i}]", "must not be null"); continue; }
                if (d.Weight is null && d.LeafWeight is null) Error($"{f}.weightDevice[{i}]", "set weight, leafWeight or both");
                CheckWeight($"{f}.weightDevice[{i}].weight", d.Weight);
                CheckWeight($"{f}.weightDevice[{i}].leafWeight", d.LeafWeight);
                CheckDeviceNumbers($"{f}.weightDevice[{i}]", d.Major, d.Minor);
            }
        foreach (var (name, list) in new[]
                 {
                     ("throttleReadBpsDevice", io.ThrottleReadBpsDevice), ("throttleWriteBpsDevice", io.ThrottleWriteBpsDevice),
                     ("throttleReadIOPSDevice", io.ThrottleReadIopsDevice), ("throttleWriteIOPSDevice", io.ThrottleWriteIopsDevice),
                 })
        {
            if (list is null) continue;
            for (var i = 0; i < list.Count; i++)
            {
                if (list[i] is null) Error($"{f}.{name}[{i}]", "must not be null");
                else CheckDeviceNumbers($"{f}.{name}[{i}]", list[i].Major, list[i].Minor);
            }
        }
    }

    /// <summary>10..1000, or 0 for none (what Docker writes when no weight is asked for, and runc reads so).</summary>
    private void CheckWeight(string field, ushort? weight)
    {
        if (weight is not 0 and (< 10 or > 1000)) Error(field, $"{weight} is outside 10..1000");
    }

    private void CheckDeviceNumbers(string field, long major, long minor)
    {
        if (major < 0) Error($"{field}.major", "must not be negative");
        if (minor < 0) Error($"{field}.minor", "must not be negative");
    }
}
