using Containment.Interop;

namespace Containment.Landlock;

/// <summary>The Landlock ABI version this kernel enforces: <c>landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION)</c>.</summary>
internal static class LandlockAbi
{
    private const long SysLandlockCreateRuleset = 444; // the same on every architecture
    private const long CreateRulesetVersion = 1;

    /// <summary>The ABI version, or 0 when the kernel has no Landlock (ENOSYS) or it is not enabled (EOPNOTSUPP).</summary>
    public static int Current => Probe.Value;

    private static readonly Lazy<int> Probe = new(() =>
    {
        var version = Libc.Syscall(SysLandlockCreateRuleset, 0, 0, CreateRulesetVersion, 0);
        return version > 0 ? (int)version : 0;
    });
}
