using Containment.Namespaces;

namespace Containment.Identity;

/// <summary>
/// Which sysctls a container may set: only those that belong to a namespace it has of its own (the rule runc and
/// the OCI spec apply). Everything else would change the host.
/// </summary>
internal static class Sysctls
{
    private static readonly HashSet<string> IpcKeys =
    [
        "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall", "kernel.shmmax",
        "kernel.shmmni", "kernel.shm_rmid_forced",
    ];

    /// <summary>The key with <c>/</c> separators turned into dots (<c>net/ipv4/ip_forward</c> is <c>net.ipv4.ip_forward</c>).</summary>
    public static string Normalize(string key) => key.Replace('/', '.');

    /// <summary>The path below /proc/sys: dots separate components (as sysctl(8) writes them).</summary>
    public static string ProcPath(string key) => "/proc/sys/" + Normalize(key).Replace('.', '/');

    /// <summary>Every problem with setting <paramref name="key"/> to <paramref name="value"/> in a container with these namespaces.</summary>
    public static IEnumerable<SpecError> Validate(string key, string value, NamespaceSet namespaces)
    {
        var field = $"sysctl[{key}]";
        var k = Normalize(key);
        var parts = k.Split('.');
        if (k.Length == 0 || parts.Any(p => p.Length == 0 || p == ".." || !p.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or ':' or '@' or '+')))
        {
            yield return new SpecError(field, "is not a sysctl name");
            yield break;
        }
        if (value.Contains('\0'))
            yield return new SpecError(field, "the value contains NUL");
        var kind = NamespaceOf(k);
        if (kind is null)
            yield return new SpecError(field, "is not namespaced: setting it would change the host");
        else if (namespaces[kind.Value] is null)
            yield return new SpecError(field, $"needs a {NamespaceFlags.ProcName(kind.Value)} namespace of the container's own; it shares the host's");
        else if (namespaces[kind.Value] is NamespaceSetting.JoinNamespace join && NamespaceIdentity.IsCallers(kind.Value, join.Path))
            yield return new SpecError(field, $"the {NamespaceFlags.ProcName(kind.Value)} namespace it joins ({join.Path}) is the host's: setting it would change the host");
    }

    /// <summary>The namespace a sysctl belongs to, or null when it is system-wide.</summary>
    public static NamespaceKind? NamespaceOf(string key)
    {
        var k = Normalize(key);
        if (IpcKeys.Contains(k) || k.StartsWith("fs.mqueue.", StringComparison.Ordinal))
            return NamespaceKind.Ipc;
        if (k.StartsWith("net.", StringComparison.Ordinal))
            return NamespaceKind.Network;
        if (k is "kernel.hostname" or "kernel.domainname")
            return NamespaceKind.Uts;
        return null;
    }
}
