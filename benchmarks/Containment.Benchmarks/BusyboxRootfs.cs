using System.Diagnostics;

namespace Containment.Benchmarks;

/// <summary>Builds a minimal busybox root filesystem in a temp directory (or a given one).</summary>
internal static class BusyboxRootfs
{
    public static string Create(string? path = null)
    {
        path ??= Directory.CreateTempSubdirectory("containment-bench-rootfs-").FullName;
        foreach (var dir in new[] { "bin", "proc", "dev", "sys", "tmp", "etc" })
            Directory.CreateDirectory(Path.Combine(path, dir));
        var busybox = Path.Combine(path, "bin/busybox");
        if (!File.Exists(busybox))
            File.Copy("/usr/bin/busybox", busybox);
        using var list = Process.Start(new ProcessStartInfo("/usr/bin/busybox", "--list") { RedirectStandardOutput = true })!;
        foreach (var applet in list.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var link = Path.Combine(path, "bin", applet);
            if (applet != "busybox" && !File.Exists(link))
                File.CreateSymbolicLink(link, "busybox");
        }
        return path;
    }
}
