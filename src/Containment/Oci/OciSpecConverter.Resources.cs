using Containment.Cgroups;

namespace Containment.Oci;

internal static partial class OciSpecConverter
{
    /// <summary>
    /// linux.resources onto the cgroup builder; a container always gets a cgroup, as with runc. What runc and crun ignore
    /// is ignored with a warning: kernel memory limits (removed from Linux), leaf weights where the kernel has no such
    /// file, net_cls and net_prio settings where those v1 controllers are not mounted (cgroup v2 has neither), the OOM
    /// killer switch and swappiness without a v1 memory controller.
    /// </summary>
    internal static CgroupSpec ConvertResources(OciResources? resources, Action<string, string> unsupported, Action<string, string> warn,
        OciHostFeatures host) => CgroupSpec.Build(c =>
    {
        if (resources is null)
            return;
        if (resources.Memory is { } memory)
        {
            if (memory.Limit is { } limit and not 0) c.MemoryMaxAnySize(limit);
            if (memory.Reservation is { } reservation and not 0) c.MemoryReservation(reservation);
            if (memory.Swap is { } swap and not 0) c.MemorySwapMax(swap);
            if (memory.Swappiness is { } swappiness and <= 100)
            {
                if (host.MemoryOomControl) c.Swappiness((int)swappiness);
                else warn("linux.resources.memory.swappiness", "cgroup v2 has no swappiness (v1 memory.swappiness), as runc skips it");
            }
            if (memory.Kernel is not (null or 0 or -1))
                warn("linux.resources.memory.kernel", "kernel memory limits were removed from Linux (5.16), as runc and crun ignore it");
            if (memory.KernelTcp is not (null or 0 or -1))
                warn("linux.resources.memory.kernelTCP", "kernel memory limits were removed from Linux (5.16), as runc and crun ignore it");
            if (memory.DisableOomKiller == true && !host.MemoryOomControl)
                warn("linux.resources.memory.disableOOMKiller", "cgroup v2 has no OOM killer switch (v1 memory.oom_control), as runc skips it");
            else if (memory.DisableOomKiller is { } disableOom)
                c.DisableOomKiller(disableOom);
            if (memory.UseHierarchy == false)
                unsupported("linux.resources.memory.useHierarchy", "hierarchical accounting cannot be turned off on current kernels");
            if (memory.CheckBeforeUpdate == true)
                warn("linux.resources.memory.checkBeforeUpdate", "this version does not compare a new limit with the usage first (the kernel still refuses one it cannot reach)");
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
            {
                if (host.BlkioLeafWeight)
                    unsupported("linux.resources.blockIO.leafWeight", "leaf weights are not supported by this version");
                else
                    warn("linux.resources.blockIO.leafWeight", "this kernel has no blkio.leaf_weight (CFQ was removed in Linux 5.0)");
            }
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
            if (network.ClassId is { } classId)
            {
                if (host.NetCls) c.NetClassId(classId);
                else warn("linux.resources.network.classID", "no v1 net_cls hierarchy is mounted on this host (cgroup v2 has none), as runc skips it");
            }
            if (network.Priorities is { Count: > 0 } priorities)
            {
                if (host.NetPrio)
                    foreach (var p in priorities)
                        c.NetPriority(p.Name, p.Priority);
                else
                    warn("linux.resources.network.priorities", "no v1 net_prio hierarchy is mounted on this host (cgroup v2 has none), as runc skips it");
            }
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
