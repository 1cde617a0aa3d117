using Containment.Launch;
using Microsoft.Extensions.Logging;

namespace Containment.Lsm;

/// <summary>
/// AppArmor and SELinux: the exec labels the executor writes (through a procfs it verifies, <c>lsm.c</c>) before
/// no_new_privs and the identity switch, and the <c>context=</c> option of the mounts that take one.
/// </summary>
internal static class LsmPlanner
{
    /// <summary>Filesystem types whose mounts get the SELinux mount label (they take a <c>context=</c> option).</summary>
    private static readonly HashSet<string> LabelledTypes = ["tmpfs", "devpts", "mqueue", "ramfs"];

    /// <summary>What the host cannot apply, as runc refuses it: a profile or label for a module it does not enforce.</summary>
    public static IEnumerable<SpecError> Validate(ContainerSpec spec, LsmHost host)
    {
        if (spec.Process.AppArmorProfile is { Length: > 0 } profile && profile != "unconfined" && !host.AppArmor)
            yield return new SpecError("process.apparmorProfile",
                $"AppArmor is not enabled on this host (/sys/module/apparmor/parameters/enabled), so the profile '{profile}' cannot be applied");
        if (spec.Process.SelinuxLabel is { Length: > 0 } label && !host.Selinux)
            yield return new SpecError("process.selinuxLabel",
                $"SELinux is not enabled on this host (no /sys/fs/selinux), so the label '{label}' cannot be applied");
    }

    /// <summary>The mount label, or null (logged) when the host has no SELinux: crun ignores it then.</summary>
    public static string? MountLabel(ContainerSpec spec, LsmHost host, ILogger logger)
    {
        if (spec.MountLabel is not { Length: > 0 } label)
            return null;
        if (host.Selinux)
            return label;
        logger.LogWarning("SELinux is not enabled on this host: the mount label '{Label}' is ignored", label);
        return null;
    }

    /// <summary>The <c>context=</c> option for a mount of <paramref name="type"/>, or null.</summary>
    public static string? ContextOption(string type, string? mountLabel) =>
        mountLabel is not null && LabelledTypes.Contains(type) ? $"context={mountLabel}" : null;

    /// <summary>The exec labels; before no_new_privs (AppArmor refuses most profile changes under it) and the user switch.</summary>
    public static void ExecLabels(LaunchPlan plan, ContainerSpec spec, LsmHost host)
    {
        if (spec.Process.AppArmorProfile is { Length: > 0 } profile && host.AppArmor)
            plan.LsmExecLabel("apparmor/exec", "exec", $"exec {profile}");
        if (spec.Process.SelinuxLabel is { Length: > 0 } label && host.Selinux)
            plan.LsmExecLabel("exec", "", label);
    }

    private static void LsmExecLabel(this LaunchPlan plan, string attr, string fallback, string content) =>
        plan.Op(PlanOp.LsmExecLabel, "write", $"/proc/self/attr/{attr}: {content}").Str(attr).Str(fallback).Str(content).End();
}
