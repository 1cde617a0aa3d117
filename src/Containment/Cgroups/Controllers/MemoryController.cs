using Containment.Cgroups.Fs;

namespace Containment.Cgroups.Controllers;

/// <summary>memory: limits, reservation, swap, swappiness, OOM group; usage and OOM counters.</summary>
internal sealed class MemoryController : CgroupController
{
    public override string Name => "memory";

    public override bool IsRequested(CgroupSpec spec) => spec.Memory is not null;

    public override IEnumerable<CgroupWrite> V1Writes(CgroupSpec spec)
    {
        if (spec.Memory is not { } m) yield break;
        if (m.Max is { } max)
            yield return new("memory.limit_in_bytes", max.ToString(), SwapWithNextOnInvalid: m.MemoryAndSwapMax is not null);
        if (m.MemoryAndSwapMax is { } total) yield return new("memory.memsw.limit_in_bytes", total.ToString());
        if (m.Reservation is { } low) yield return new("memory.soft_limit_in_bytes", low.ToString());
        if (m.Swappiness is { } swappiness) yield return new("memory.swappiness", swappiness.ToString());
        if (m.OomGroup is { } group) yield return new("memory.oom.group", group ? "1" : "0");
        if (m.DisableOomKiller is { } disabled) yield return new("memory.oom_control", disabled ? "1" : "0");
    }

    public override IEnumerable<CgroupWrite> V2Writes(CgroupSpec spec)
    {
        if (spec.Memory is not { } m) yield break;
        if (m.Max is { } max) yield return new("memory.max", V2Limit(max));
        if (m.MemoryAndSwapMax is { } total)
            yield return new("memory.swap.max", total == CgroupSpec.Unlimited || m.Max is null or CgroupSpec.Unlimited ? "max" : (total - m.Max.Value).ToString());
        if (m.Reservation is { } low) yield return new("memory.low", V2Limit(low));
        if (m.Swappiness is { } swappiness) yield return new("memory.swappiness", swappiness.ToString());
        if (m.OomGroup is { } group) yield return new("memory.oom.group", group ? "1" : "0");
        if (m.DisableOomKiller is { } disabled) yield return new("memory.oom_control", disabled ? "1" : "0"); // absent on v2: ENOENT unless optional
    }

    public override void ReadV1Stats(CgroupDirectory dir, CgroupStatsBuilder stats)
    {
        var usage = CgroupFileFormat.Number(dir.TryRead("memory.usage_in_bytes"));
        if (usage is null) return;
        var oom = CgroupFileFormat.FlatKeyed(dir.TryRead("memory.oom_control"));
        stats.Memory = new MemoryStats(usage.Value, CgroupFileFormat.Number(dir.TryRead("memory.max_usage_in_bytes")),
            CgroupFileFormat.Number(dir.TryRead("memory.limit_in_bytes")), CgroupFileFormat.Number(dir.TryRead("memory.failcnt")) ?? 0,
            null, oom.GetValueOrDefault("oom_kill"));
    }

    public override void ReadV2Stats(CgroupDirectory dir, CgroupStatsBuilder stats)
    {
        var usage = CgroupFileFormat.Number(dir.TryRead("memory.current"));
        if (usage is null) return;
        var events = CgroupFileFormat.FlatKeyed(dir.TryRead("memory.events"));
        stats.Memory = new MemoryStats(usage.Value, CgroupFileFormat.Number(dir.TryRead("memory.peak")),
            CgroupFileFormat.Number(dir.TryRead("memory.max")), events.GetValueOrDefault("max"), events.GetValueOrDefault("oom"),
            events.GetValueOrDefault("oom_kill"));
    }
}
