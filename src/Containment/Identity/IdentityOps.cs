using Containment.Launch;

namespace Containment.Identity;

/// <summary>Typed writers for the identity and privilege ops of the executor.</summary>
internal static class IdentityOps
{
    public static void HostSync(this LaunchPlan plan, uint tag, string what) =>
        plan.Op(PlanOp.HostSync, "sync", what).U32(tag).End();

    public static void SetGroups(this LaunchPlan plan, IReadOnlyCollection<uint> gids, bool ifAllowed)
    {
        var w = plan.Op(PlanOp.SetGroups, "setgroups", gids.Count == 0 ? "none" : string.Join(",", gids))
            .U32(ifAllowed ? 1u : 0u).U32((uint)gids.Count);
        foreach (var g in gids)
            w.U32(g);
        w.End();
    }

    public static void SetResGid(this LaunchPlan plan, uint gid) =>
        plan.Op(PlanOp.SetResGid, "setresgid", gid.ToString(System.Globalization.CultureInfo.InvariantCulture)).U32(gid).End();

    public static void SetResUid(this LaunchPlan plan, uint uid) =>
        plan.Op(PlanOp.SetResUid, "setresuid", uid.ToString(System.Globalization.CultureInfo.InvariantCulture)).U32(uid).End();

    public static void CapsBounding(this LaunchPlan plan, ulong keep) =>
        plan.Op(PlanOp.CapsBounding, "prctl(PR_CAPBSET_DROP)", $"keep {keep:x}").U64(keep).End();

    public static void Caps(this LaunchPlan plan, ulong effective, ulong permitted, ulong inheritable, ulong ambient) =>
        plan.Op(PlanOp.Caps, "capset", $"effective {effective:x}, permitted {permitted:x}, inheritable {inheritable:x}, ambient {ambient:x}")
            .U64(effective).U64(permitted).U64(inheritable).U64(ambient).End();

    public static void WriteProc(this LaunchPlan plan, string path, string content) =>
        plan.Op(PlanOp.WriteProc, "write", path).Str(path).Str(content).End();

    public static void SessionKeyring(this LaunchPlan plan, string name) =>
        plan.Op(PlanOp.SessionKeyring, "keyctl", $"join session keyring {name}").Str(name).End();

    public static void Personality(this LaunchPlan plan, uint persona) =>
        plan.Op(PlanOp.Personality, "personality", $"0x{persona:x}").U32(persona).End();
}
