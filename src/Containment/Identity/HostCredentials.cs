using Containment.Interop;

namespace Containment.Identity;

/// <summary>Who the host process is: its effective ids, and whether it can write any id map itself.</summary>
internal static class HostCredentials
{
    public static uint EffectiveUid => Libc.GetEuid();

    public static uint EffectiveGid => Libc.GetEgid();

    /// <summary>The user's name from /etc/passwd, or null.</summary>
    public static string? UserName
    {
        get
        {
            var uid = EffectiveUid.ToString(System.Globalization.CultureInfo.InvariantCulture);
            try
            {
                foreach (var line in File.ReadLines("/etc/passwd"))
                {
                    var f = line.Split(':');
                    if (f.Length > 2 && f[2] == uid)
                        return f[0];
                }
            }
            catch (IOException)
            {
            }
            return null;
        }
    }

    /// <summary>The host process's supplementary groups (the <c>Groups:</c> line of its status file).</summary>
    public static IReadOnlyList<uint> SupplementaryGroups
    {
        get
        {
            try
            {
                foreach (var line in File.ReadLines("/proc/self/status"))
                    if (line.StartsWith("Groups:", StringComparison.Ordinal))
                        return ParseGroups(line);
            }
            catch (IOException)
            {
            }
            return [];
        }
    }

    /// <summary>The ids of a <c>Groups:</c> line: a tab, then ids each followed by a space (none: just the tab).</summary>
    internal static uint[] ParseGroups(string line) =>
        line["Groups:".Length..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)
            .Select(g => uint.Parse(g, System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    /// <summary>Whether the host holds CAP_SETUID and CAP_SETGID (so the executor may write any id map).</summary>
    public static bool CanWriteAnyIdMap => HasEffective(Capabilities.Capability.Setuid) && HasEffective(Capabilities.Capability.Setgid);

    /// <summary>Whether the host is root with the capabilities root normally has (not rootless).</summary>
    public static bool IsPrivileged => EffectiveUid == 0 && HasEffective(Capabilities.Capability.SysAdmin);

    public static bool HasEffective(Capabilities.Capability capability) => Effective.Contains(capability);

    /// <summary>The capabilities the host holds (what a process it starts can keep).</summary>
    public static Capabilities.CapabilitySet Effective => CapabilitiesOf("self", "CapEff") ?? Capabilities.CapabilitySet.Empty;

    /// <summary>One capability set of a process (<c>CapEff</c>, <c>CapBnd</c>...) from its status file; null when it is gone.</summary>
    public static Capabilities.CapabilitySet? CapabilitiesOf(string pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith(field + ":", StringComparison.Ordinal))
                    return Capabilities.CapabilitySet.FromMask(Convert.ToUInt64(line[(field.Length + 1)..].Trim(), 16));
        }
        catch (IOException)
        {
            // Gone.
        }
        return null;
    }
}
