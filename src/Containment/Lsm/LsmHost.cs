namespace Containment.Lsm;

/// <summary>Which Linux security modules the host enforces, as runc decides it.</summary>
/// <param name="AppArmor">AppArmor is enabled (<c>/sys/module/apparmor/parameters/enabled</c> says <c>Y</c>).</param>
/// <param name="Selinux">SELinux is enabled (selinuxfs is mounted: <c>/sys/fs/selinux/enforce</c> exists).</param>
internal sealed record LsmHost(bool AppArmor, bool Selinux)
{
    private static readonly Lazy<LsmHost> Probed = new(Probe);

    /// <summary>This host, probed once.</summary>
    public static LsmHost Current => Probed.Value;

    public static LsmHost Probe() => new(AppArmorEnabled(), File.Exists("/sys/fs/selinux/enforce"));

    private static bool AppArmorEnabled()
    {
        try
        {
            return File.ReadAllText("/sys/module/apparmor/parameters/enabled").StartsWith('Y');
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
