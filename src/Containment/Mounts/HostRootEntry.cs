namespace Containment.Mounts;

/// <summary>A top-level entry of the host's <c>/</c>, as the host view reproduces it.</summary>
/// <param name="Name">The entry's name (no slash).</param>
/// <param name="Kind">What it is.</param>
/// <param name="LinkTarget">For a symlink, what it points to.</param>
internal sealed record HostRootEntry(string Name, HostRootEntryKind Kind, string? LinkTarget = null)
{
    /// <summary>The host's top-level directories, regular files and symlinks, by name; nothing else (sockets, FIFOs, devices).</summary>
    public static IReadOnlyList<HostRootEntry> Read(string root = "/")
    {
        var result = new List<HostRootEntry>();
        foreach (var info in new DirectoryInfo(root).EnumerateFileSystemInfos())
        {
            if (info.LinkTarget is { } target)
                result.Add(new(info.Name, HostRootEntryKind.Symlink, target));
            else if (info is DirectoryInfo)
                result.Add(new(info.Name, HostRootEntryKind.Directory));
            else if (IsRegular(info.FullName))
                result.Add(new(info.Name, HostRootEntryKind.File));
        }
        result.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return result;
    }

    private const uint S_IFREG = 0x8000;

    private static bool IsRegular(string path)
    {
        var fd = Interop.Libc.Open(path, Interop.Libc.O_PATH | Interop.Libc.O_CLOEXEC | Interop.Libc.O_NOFOLLOW, 0);
        if (fd < 0)
            return false;
        using var handle = new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true);
        return Interop.Libc.FStatType(fd) is { } st && (st.Mode & Interop.Libc.S_IFMT) == S_IFREG;
    }
}

/// <summary>The kinds of <see cref="HostRootEntry"/>.</summary>
internal enum HostRootEntryKind
{
    Directory,
    File,
    Symlink,
}
