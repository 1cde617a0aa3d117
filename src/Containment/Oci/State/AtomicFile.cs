using System.Text;

namespace Containment.Oci;

/// <summary>
/// Writes a file so that readers see the old content or the new one, never a part: the text goes to a temporary file in
/// the same directory, then is renamed over the target. Not flushed to disk: this is runtime state (it lives in /run,
/// and its containers do not outlive a crash of the machine), so an fsync per write would only slow every command.
/// </summary>
internal static class AtomicFile
{
    public static void WriteAllText(string path, string text, UnixFileMode mode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException();
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full) ?? "/";
        var temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, UnixCreateMode = mode,
            };
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(Encoding.UTF8.GetBytes(text));
            }
            File.Move(temp, full, overwrite: true); // rename(2): atomic within one filesystem
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }
}
