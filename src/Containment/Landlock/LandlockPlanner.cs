using System.Collections.Immutable;
using Containment.Launch;
using Microsoft.Extensions.Logging;

namespace Containment.Landlock;

/// <summary>
/// Validates Landlock rules, negotiates them with the kernel's ABI (a rule the kernel cannot enforce is an error, or
/// dropped with a warning under <see cref="LandlockRules.BestEffort"/>) and writes the executor's steps.
/// </summary>
internal static class LandlockPlanner
{
    // include/uapi/linux/landlock.h: LANDLOCK_ACCESS_FS_*.
    private const ulong Execute = 1, WriteFile = 2, ReadFile = 4, ReadDir = 8, RemoveDir = 16, RemoveFile = 32, MakeChar = 64,
        MakeDir = 128, MakeReg = 256, MakeSock = 512, MakeFifo = 1024, MakeBlock = 2048, MakeSym = 4096, Refer = 8192,
        Truncate = 16384, IoctlDev = 32768;
    private const ulong NetConnectTcp = 2;

    /// <summary>The first ABI that denies truncate(2) (Linux 6.2), and the first with TCP port rules (Linux 6.7).</summary>
    internal const int TruncateAbi = 3, NetworkAbi = 4;

    /// <summary>The filesystem rights each ABI knows (ABI 1: Linux 5.13; 2: REFER, 5.19; 3: TRUNCATE, 6.2; 5: IOCTL_DEV, 6.10).</summary>
    internal static ulong HandledFs(int abi) => abi switch
    {
        <= 0 => 0,
        1 => Refer - 1,
        2 => Truncate - 1,
        3 or 4 => IoctlDev - 1,
        _ => IoctlDev * 2 - 1,
    };

    private static ulong Rights(LandlockPathAccess access)
    {
        ulong rights = 0;
        if (access.HasFlag(LandlockPathAccess.Read))
            rights |= ReadFile | ReadDir;
        if (access.HasFlag(LandlockPathAccess.Write))
            rights |= WriteFile | RemoveDir | RemoveFile | MakeChar | MakeDir | MakeReg | MakeSock | MakeFifo | MakeBlock | MakeSym
                | Refer | Truncate | IoctlDev;
        if (access.HasFlag(LandlockPathAccess.Execute))
            rights |= Execute;
        return rights;
    }

    public static IEnumerable<SpecError> Validate(LandlockRules rules)
    {
        for (var i = 0; i < rules.Paths.Length; i++)
        {
            var (path, access) = rules.Paths[i];
            if (string.IsNullOrEmpty(path) || path[0] != '/' || path.Contains('\0'))
                yield return new SpecError($"landlock.paths[{i}]", $"'{path}' is not an absolute path");
            if (access == LandlockPathAccess.None || (access & ~(LandlockPathAccess.Read | LandlockPathAccess.Write | LandlockPathAccess.Execute)) != 0)
                yield return new SpecError($"landlock.paths[{i}]", $"'{path}' has no valid access ({access})");
        }
    }

    /// <summary>The rules as the kernel with <paramref name="abi"/> can enforce them.</summary>
    /// <exception cref="ContainerSpecException">A rule needs a newer ABI, and the rules are not best-effort.</exception>
    public static LandlockLoad Negotiate(LandlockRules rules, int abi, ILogger? logger)
    {
        var errors = new List<SpecError>();
        var dropped = new List<string>();
        void Unenforceable(string field, string what)
        {
            if (rules.BestEffort)
                dropped.Add($"{field}: {what}");
            else
                errors.Add(new SpecError(field, what + "; allow dropping it with WithBestEffort()"));
        }

        if (abi <= 0)
        {
            Unenforceable("landlock", "this kernel has no Landlock (Linux 5.13 with CONFIG_SECURITY_LANDLOCK, and 'landlock' in its lsm= list)");
            return Result(0, 0, [], []);
        }
        if (abi < TruncateAbi)
            Unenforceable("landlock", $"truncate(2) outside the read-write paths cannot be denied below Landlock ABI {TruncateAbi} (Linux 6.2); this kernel has ABI {abi}");
        var handledNet = 0UL;
        if (rules.RestrictsTcpConnect)
        {
            if (abi < NetworkAbi)
                Unenforceable("landlock.connectTcp", $"TCP port rules need Landlock ABI {NetworkAbi} (Linux 6.7); this kernel has ABI {abi}");
            else
                handledNet = NetConnectTcp;
        }
        var handledFs = HandledFs(abi);
        var paths = rules.Paths.Select(r => (r.Path, Rights(r.Access) & handledFs)).ToImmutableArray();
        return Result(handledFs, handledNet, paths, handledNet == 0 ? [] : rules.TcpConnectPorts.Distinct().ToImmutableArray());

        LandlockLoad Result(ulong fs, ulong net, ImmutableArray<(string, ulong)> rulePaths, ImmutableArray<ushort> ports)
        {
            if (errors.Count > 0)
                throw new ContainerSpecException(errors);
            foreach (var what in dropped)
                logger?.LogWarning(LogEvents.LandlockDropped, "Landlock rule dropped (best-effort): {What}", what);
            return new LandlockLoad(abi, fs, net, rulePaths, ports, [.. dropped]);
        }
    }

    /// <summary>The executor's steps: the ruleset, each rule, then no_new_privs and landlock_restrict_self.</summary>
    public static void Apply(LaunchPlan plan, LandlockLoad load)
    {
        if (load.Abi == 0)
            return;
        plan.Op(PlanOp.LandlockRuleset, "landlock_create_ruleset", $"ABI {load.Abi}").U64(load.HandledFs).U64(load.HandledNet).End();
        foreach (var (path, access) in load.Paths)
            plan.Op(PlanOp.LandlockPath, "landlock_add_rule", path).Str(path).U64(access).End();
        foreach (var port in load.TcpConnectPorts)
            plan.Op(PlanOp.LandlockPort, "landlock_add_rule", $"TCP connect port {port}").U64(port).U64(NetConnectTcp).End();
        plan.Op(PlanOp.LandlockRestrict, "landlock_restrict_self", "no_new_privs, then the ruleset").End();
    }
}
