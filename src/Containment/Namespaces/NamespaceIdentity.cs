using Containment.Interop;

namespace Containment.Namespaces;

/// <summary>Which namespace a namespace file names: its nsfs device and inode, as runc compares them.</summary>
internal static class NamespaceIdentity
{
    /// <summary>
    /// Whether <paramref name="path"/> (a <c>/proc/PID/ns/*</c> link or a bind of one) names the caller's own namespace of
    /// that kind: joining it is joining the host's. False when either cannot be read (the join reports its own error).
    /// </summary>
    public static bool IsCallers(NamespaceKind kind, string path)
    {
        var joined = Of(path);
        return joined is not null && joined == Of($"/proc/self/ns/{NamespaceFlags.ProcName(kind)}");
    }

    private static unsafe (ulong Inode, uint DevMajor, uint DevMinor)? Of(string path)
    {
        var buffer = stackalloc byte[Libc.StatxSize];
        if (Libc.Statx(Libc.AT_FDCWD, path, 0, Libc.STATX_INO, buffer) != 0)
            return null;
        return (*(ulong*)(buffer + Libc.StatxInoOffset), *(uint*)(buffer + Libc.StatxDevMajorOffset), *(uint*)(buffer + Libc.StatxDevMajorOffset + 4));
    }
}
