using System.Text.RegularExpressions;

namespace Containment.Cgroups;

/// <summary>Checks a <see cref="CgroupSpec"/> against the rules and the machine; lists every problem.</summary>
internal static partial class CgroupValidator
{
    public static IReadOnlyList<SpecError> Validate(CgroupSpec spec, MachineTopology machine)
    {
        var errors = new List<SpecError>(spec.BuildErrors);
        void Error(string field, string message) => errors.Add(new SpecError("cgroup." + field, message));

        void Limit(string field, long? value)
        {
            if (value is { } v && v != CgroupSpec.Unlimited && v <= 0)
                Error(field, $"{v} is not a limit: use a positive number, or CgroupSpec.Unlimited (-1) for none");
        }

        void Range(string field, long? value, long min, long max)
        {
            if (value is { } v && (v < min || v > max)) Error(field, $"{v} is outside {min}–{max}");
        }

        if (spec.Memory is { } memory)
        {
            Limit("memory.max", memory.Max);
            Limit("memory.reservation", memory.Reservation);
            Limit("memory.memoryAndSwapMax", memory.MemoryAndSwapMax);
            if (memory.MemoryAndSwapMax is > 0 and var total)
            {
                if (memory.Max is null or CgroupSpec.Unlimited)
                    Error("memory.memoryAndSwapMax", "a memory+swap limit needs a memory limit (memory.max) too");
                else if (memory.Max is > 0 and var max && total < max)
                    Error("memory.memoryAndSwapMax", $"{total} is below the memory limit {max}: it counts memory plus swap");
            }
            Range("memory.swappiness", memory.Swappiness, 0, 100);
        }

        if (spec.Cpu is { } cpu)
        {
            Range("cpu.shares", cpu.Shares, 2, 262144);
            Range("cpu.weight", cpu.Weight, 1, 10000);
            Limit("cpu.quota", cpu.Quota);
            if (cpu.Quota is > 0 and < 1000) Error("cpu.quota", $"{cpu.Quota} µs is below the kernel's minimum of 1000 µs");
            Range("cpu.period", cpu.Period, 1000, 1_000_000);
            Range("cpu.burst", cpu.Burst, 0, long.MaxValue);
            if (cpu.Shares is not null && cpu.Weight is not null) Error("cpu.weight", "set shares or weight, not both");
        }

        if (spec.Cpuset is { } cpuset)
        {
            CheckList("cpuset.cpus", cpuset.Cpus, machine.Cpus, "CPU");
            CheckList("cpuset.mems", cpuset.Mems, machine.Mems, "memory node");
        }

        void CheckList(string field, string? text, IReadOnlySet<int> available, string what)
        {
            if (text is null) return;
            var list = CpuList.Parse(text);
            if (list is null || list.Count == 0) Error(field, $"'{text}' is not a list such as 0-3,6");
            else if (list.Where(n => !available.Contains(n)).ToList() is { Count: > 0 } missing)
                Error(field, $"{what} {string.Join(",", missing)} is not online on this machine (online: {string.Join(",", available)})");
        }

        Limit("pids.max", spec.PidsMax);

        if (spec.Io is { } io)
        {
            Range("io.weight", io.Weight, 10, 1000);
            for (var i = 0; i < io.DeviceWeights.Count; i++)
            {
                var w = io.DeviceWeights[i];
                Range($"io.deviceWeights[{i}].weight", w.Weight, 10, 1000);
                Device($"io.deviceWeights[{i}]", w.Major, w.Minor);
            }
            for (var i = 0; i < io.Throttles.Count; i++)
            {
                var t = io.Throttles[i];
                if (t.Rate <= 0) Error($"io.throttles[{i}].rate", $"{t.Rate} is not a positive rate");
                if (!Enum.IsDefined(t.Kind)) Error($"io.throttles[{i}].kind", $"{(int)t.Kind} is not a throttle kind");
                Device($"io.throttles[{i}]", t.Major, t.Minor);
            }
        }

        void Device(string field, long major, long minor)
        {
            if (major < 0) Error(field + ".major", $"{major} is not a device number");
            if (minor < 0) Error(field + ".minor", $"{minor} is not a device number");
        }

        for (var i = 0; i < spec.Hugetlb.Count; i++)
        {
            var h = spec.Hugetlb[i];
            if (!PageSize().IsMatch(h.PageSize)) Error($"hugetlb[{i}].pageSize", $"'{h.PageSize}' is not a page size such as 2MB or 1GB");
            else if (!machine.HugePageSizes.Contains(h.PageSize))
                Error($"hugetlb[{i}].pageSize", $"this machine has no {h.PageSize} huge pages (it has: {string.Join(", ", machine.HugePageSizes)})");
            if (h.Limit <= 0) Error($"hugetlb[{i}].limit", $"{h.Limit} is not a positive limit");
        }
        if (spec.Hugetlb.GroupBy(h => h.PageSize).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
            Error("hugetlb", $"{duplicate.Key} is limited more than once");

        if (spec.Devices is { } devices)
        {
            for (var i = 0; i < devices.Count; i++)
            {
                var d = devices[i];
                if (!Enum.IsDefined(d.Type)) Error($"devices[{i}].type", $"'{(char)d.Type}' is not a device type (a, b or c)");
                if (d.Major is < 0) Error($"devices[{i}].major", $"{d.Major} is not a device number");
                if (d.Minor is < 0) Error($"devices[{i}].minor", $"{d.Minor} is not a device number");
                if ((d.Access & ~DeviceAccess.All) != 0) Error($"devices[{i}].access", $"{(int)d.Access} is not a combination of r, w and m");
                else if (d.Access == DeviceAccess.None && d.Type != DeviceType.All) Error($"devices[{i}].access", "no access given (use letters of rwm)");
            }
        }

        if (spec.Network is { } network)
        {
            for (var i = 0; i < network.Priorities.Count; i++)
            {
                var name = network.Priorities[i].Interface;
                if (name.Length is 0 or > 15 || name.Any(c => char.IsWhiteSpace(c) || c == '/'))
                    Error($"network.priorities[{i}].interface", $"'{name}' is not an interface name");
            }
        }

        foreach (var (file, value) in spec.Unified)
        {
            if (!UnifiedKey().IsMatch(file)) Error($"unified[{file}]", "is not a cgroup file name such as memory.high");
            else if (file.StartsWith("cgroup.", StringComparison.Ordinal) && file is not ("cgroup.max.depth" or "cgroup.max.descendants" or "cgroup.type"))
                Error($"unified[{file}]", "is managed by the library and cannot be set directly");
            if (value.Contains('\n')) Error($"unified[{file}]", "a value cannot hold a newline");
        }

        return errors;
    }

    [GeneratedRegex(@"^[1-9][0-9]*(KB|MB|GB)$")]
    private static partial Regex PageSize();

    [GeneratedRegex(@"^[a-z0-9_]+\.[a-z0-9_.]+$")]
    private static partial Regex UnifiedKey();
}
