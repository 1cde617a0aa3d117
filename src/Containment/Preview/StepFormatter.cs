using Containment.Launch;

namespace Containment.Preview;

/// <summary>
/// The arguments of one encoded op in words, read from the payload the executor receives (so a preview shows what is
/// performed, not what the spec asked): one formatter per op that has more to say than its step's subject.
/// </summary>
internal static class StepFormatter
{
    public static string Arguments(PlanOp op, byte[] payload, PlanStep step, ContainerSpec spec)
    {
        var r = new PayloadReader(payload);
        switch (op)
        {
            case PlanOp.Clone:
            {
                var flags = r.U64();
                var cgroup = r.I32();
                return $"{FlagNames.CloneFlags(flags)}{(cgroup >= 0 ? ", CLONE_INTO_CGROUP" : "")}";
            }
            case PlanOp.Unshare:
                return FlagNames.CloneFlags(r.U64());
            case PlanOp.Mount:
            {
                var (source, target, fstype, flags, data) = (r.Str(), r.Str(), r.Str(), r.U64(), r.Str());
                return $"{Or(source, "none")} on {target}{(fstype.Length > 0 ? " type " + fstype : "")}, {FlagNames.MountFlags(flags)}{(data.Length > 0 ? ", " + data : "")}";
            }
            case PlanOp.MountFs:
            {
                var (fstype, source, options, target) = (r.Str(), r.Str(), r.StrV(), r.Str());
                r.U32();
                r.U32();
                var (attrs, propagation) = (r.U64(), r.U64());
                return $"{Or(source, fstype)} on {target} type {fstype}{(options.Length > 0 ? ", " + string.Join(',', options) : "")}, " +
                       $"{FlagNames.MountAttrs(attrs)}{Propagation(propagation)}";
            }
            case PlanOp.Bind:
            case PlanOp.BindSource:
            {
                r.U32();
                var target = r.Str();
                r.U32();
                r.U32();
                var (set, _, recursiveSet, _, propagation) = (r.U64(), r.U64(), r.U64(), r.U64(), r.U64());
                return $"{step.Subject} on {target}, {FlagNames.MountAttrs(set | recursiveSet)}{Propagation(propagation)}";
            }
            case PlanOp.MountSetattr:
            {
                var path = r.Str();
                r.U32();
                r.U32();
                var (set, clear, propagation) = (r.U64(), r.U64(), r.U64());
                return $"{path}, set {FlagNames.MountAttrs(set)}, clear {FlagNames.MountAttrs(clear)}{Propagation(propagation)}";
            }
            case PlanOp.Prctl:
            {
                r.U32();
                return $"{step.Subject}, {r.U64()}";
            }
            case PlanOp.WriteChildProc:
            {
                var (file, content) = (r.Str(), r.Str());
                return $"/proc/<pid>/{file} = {content.Trim().Replace("\n", "; ")}";
            }
            case PlanOp.SetRlimit:
            {
                r.U32();
                return $"{step.Subject}, soft {Limit(r.U64())}, hard {Limit(r.U64())}";
            }
            case PlanOp.Seccomp:
                return spec.Seccomp is { } profile
                    ? $"{profile.Syscalls.Count} rules, default {profile.DefaultAction}{(profile.DefaultErrnoRet is { } e ? $"({Interop.Errno.Name((int)e)})" : "")}; {step.Subject}"
                    : step.Subject;
            case PlanOp.LandlockRuleset:
                return $"{step.Subject}, handled fs {FlagNames.LandlockAccess(r.U64())}, net {FlagNames.LandlockNetAccess(r.U64())}";
            case PlanOp.LandlockPath:
                return $"{r.Str()}: {FlagNames.LandlockAccess(r.U64())}";
            case PlanOp.LandlockPort:
            {
                var port = r.U64();
                return $"TCP port {port}: {FlagNames.LandlockNetAccess(r.U64())}";
            }
            case PlanOp.Exec:
            {
                var (candidates, argv, env) = (r.StrV(), r.StrV(), r.StrV());
                return $"{string.Join(" or ", candidates)}, argv [{string.Join(", ", argv)}], {env.Length} env";
            }
            default:
                return step.Subject;
        }
    }

    private static string Or(string value, string fallback) => value.Length > 0 ? value : fallback;

    private static string Limit(ulong value) => value == ulong.MaxValue ? "unlimited" : value.ToString();

    private static string Propagation(ulong propagation) => propagation == 0 ? "" : ", " + FlagNames.MountFlags(propagation);
}
