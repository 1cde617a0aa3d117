using System.Globalization;
using System.Text.Json;
using Containment.Interop;

namespace Containment.Checkpoint;

/// <summary>
/// What a checkpointed container's fds 0-2 were, as CRIU names them: <c>pipe:[inode]</c>, or <c>file[mnt_id:inode]</c>
/// for a file on a mount outside the container (e.g. the host's /dev/null), which the dump declares external. Kept in
/// the image directory as <c>descriptors.json</c> (runc's file name and shape: a JSON array, one entry per fd);
/// restore passes its new streams to CRIU under these keys (inherit_fd), so the restored process writes to them.
/// </summary>
internal static class StdioKeys
{
    public const string FileName = "descriptors.json";

    /// <summary>The key of each standard fd of <paramref name="pid"/>; null for one CRIU restores by itself (a tty, a file inside).</summary>
    public static string?[] Read(int pid)
    {
        var mounts = MountIds(pid);
        var keys = new string?[3];
        for (var fd = 0; fd < 3; fd++)
        {
            string? target;
            try
            {
                target = new FileInfo($"/proc/{pid}/fd/{fd}").LinkTarget;
            }
            catch (IOException)
            {
                continue;
            }
            if (target is null)
                continue;
            if (target.StartsWith("pipe:", StringComparison.Ordinal))
                keys[fd] = target;
            else if (target.StartsWith('/') && MountIdOf(pid, fd) is { } mnt && !mounts.Contains(mnt))
                keys[fd] = string.Create(CultureInfo.InvariantCulture, $"file[{mnt:x}:{Inode(pid, fd):x}]");
        }
        return keys;
    }

    public static void Write(string imagePath, string?[] keys)
    {
        using var stream = File.Create(Path.Combine(imagePath, FileName));
        using var json = new Utf8JsonWriter(stream);
        json.WriteStartArray();
        foreach (var key in keys)
            json.WriteStringValue(key ?? "");
        json.WriteEndArray();
    }

    /// <summary>The keys of a checkpoint; empty entries where there were none (or no file: a checkpoint made elsewhere).</summary>
    public static string?[] Load(string imagePath)
    {
        var path = Path.Combine(imagePath, FileName);
        var keys = new string?[3];
        if (!File.Exists(path))
            return keys;
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var i = 0;
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            if (i >= 3)
                break;
            var s = e.ValueKind == JsonValueKind.String ? e.GetString() : null;
            keys[i++] = string.IsNullOrEmpty(s) ? null : s;
        }
        return keys;
    }

    private static HashSet<int> MountIds(int pid)
    {
        var ids = new HashSet<int>();
        foreach (var line in File.ReadLines($"/proc/{pid}/mountinfo"))
            if (int.TryParse(line.AsSpan(0, line.IndexOf(' ')), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                ids.Add(id);
        return ids;
    }

    private static int? MountIdOf(int pid, int fd)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/fdinfo/{fd}"))
            if (line.StartsWith("mnt_id:", StringComparison.Ordinal))
                return int.Parse(line.AsSpan(7).Trim(), CultureInfo.InvariantCulture);
        return null;
    }

    private static unsafe ulong Inode(int pid, int fd)
    {
        var buffer = stackalloc byte[Libc.StatxSize];
        var path = $"/proc/{pid}/fd/{fd}";
        if (Libc.Statx(Libc.AT_FDCWD, path, 0, Libc.STATX_INO, buffer) != 0)
            throw SyscallException.FromLastError("statx", path);
        return *(ulong*)(buffer + Libc.StatxInoOffset);
    }
}
