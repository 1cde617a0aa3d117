using Containment.Cgroups;

namespace Containment.Oci;

public static partial class OciSpecConverter
{
    /// <summary>linux.resources onto the cgroup builder; a container always gets a cgroup, as with runc.</summary>
    internal static CgroupSpec ConvertResources(OciResources? resources, Action<string, string> unsupported) => CgroupSpec.Build(c =>
    {
        if (resources is null)
            return;
        if (resources.Memory is { } memory)
        {
            if (memory.Limit is { } limit and not 0) c.MemoryMaxAnySize(limit);
            if (memory.Reservation is { } reservation and not 0) c.MemoryReservation(reservation);
            if (memory.Swap is { } swap and not 0) c.MemorySwapMax(swap);
            if (memory.Swappiness is { } swappiness and <= 100) c.Swappiness((int)swappiness);
            if (memory.Kernel is not (null or 0 or -1) || memory.KernelTcp is not (null or 0 or -1))
                unsupported("linux.resources.memory.kernel", "kernel memory limits were removed from Linux");
            if (memory.DisableOomKiller == true)
                unsupported("linux.resources.memory.disableOOMKiller", "is not supported by this version");
            if (memory.UseHierarchy == false)
                unsupported("linux.resources.memory.useHierarchy", "hierarchical accounting cannot be turned off on current kernels");
            if (memory.CheckBeforeUpdate == true)
                unsupported("linux.resources.memory.checkBeforeUpdate", "is not supported by this version");
        }
        if (resources.Cpu is { } cpu)
        {
            if (cpu.Shares is { } shares and not 0) c.CpuShares((long)shares);
            if (cpu.Quota is { } quota and > 0) c.CpuQuota(quota, (long)(cpu.Period ?? 100_000));
            if (cpu.Burst is { } burst and not 0) c.CpuBurst((long)burst);
            if (cpu.Cpus is { Length: > 0 } cpus) c.Cpus(cpus);
            if (cpu.Mems is { Length: > 0 } mems) c.Mems(mems);
            if (cpu.Idle is { } idle and not 0) c.CpuIdle();
            if (cpu.RealtimeRuntime is { } rr && rr != 0 || cpu.RealtimePeriod is { } rp && rp != 0)
                unsupported("linux.resources.cpu.realtimeRuntime", "realtime scheduling limits are not supported");
        }
        if (resources.Pids is { Limit: > 0 } pids)
            c.PidsMax(pids.Limit);
        if (resources.BlockIo is { } io)
        {
            if (io.Weight is { } weight and not 0) c.IoWeight(weight);
            if (io.LeafWeight is not (null or 0) || io.WeightDevice?.Any(d => d.LeafWeight is not (null or 0)) == true)
                unsupported("linux.resources.blockIO.leafWeight", "leaf weights were removed from Linux");
            foreach (var d in io.WeightDevice ?? [])
                if (d.Weight is { } w) c.IoDeviceWeight(d.Major, d.Minor, w);
            foreach (var (list, kind) in new[]
            {
                (io.ThrottleReadBpsDevice, IoThrottleKind.ReadBytesPerSecond), (io.ThrottleWriteBpsDevice, IoThrottleKind.WriteBytesPerSecond),
                (io.ThrottleReadIopsDevice, IoThrottleKind.ReadOpsPerSecond), (io.ThrottleWriteIopsDevice, IoThrottleKind.WriteOpsPerSecond),
            })
                foreach (var d in list ?? [])
                    c.IoThrottle(d.Major, d.Minor, kind, (long)d.Rate);
        }
        foreach (var h in resources.HugepageLimits ?? [])
            c.HugetlbMax(h.PageSize, (long)h.Limit);
        if (resources.Network is { } network)
        {
            if (network.ClassId is { } classId) c.NetClassId(classId);
            foreach (var p in network.Priorities ?? [])
                c.NetPriority(p.Name, p.Priority);
        }
        if (resources.Rdma?.Count > 0)
            unsupported("linux.resources.rdma", "is not supported");
        foreach (var (file, value) in resources.Unified ?? new Dictionary<string, string>())
            c.Unified(file, value);
        foreach (var rule in resources.Devices ?? [])
        {
            var type = rule.Type is { Length: > 0 } t ? t[0] : 'a';
            if (rule.Allow)
                c.AllowDevice(type, rule.Major, rule.Minor, rule.Access ?? "rwm");
            else
                c.DenyDevice(type, rule.Major, rule.Minor, rule.Access ?? "rwm");
        }
    });
}
