using System.Diagnostics;

namespace Containment.CheckpointTests.Support;

/// <summary>A throw-away busybox root filesystem in a temp directory (CRIU restores a container from a rootfs directory).</summary>
public sealed class Rootfs : IDisposable
{
    private const string Busybox = "/usr/bin/busybox";

    private Rootfs(string path) => Path = path;

    public string Path { get; }

    public static Rootfs Create()
    {
        if (!File.Exists(Busybox))
            Assert.Fail($"{Busybox} is missing: install busybox-static (scripts/install-test-deps.sh does)");
        var path = Directory.CreateTempSubdirectory("containment-criu-rootfs-").FullName;
        foreach (var dir in new[] { "bin", "proc", "dev", "sys", "tmp", "etc", "root" })
            Directory.CreateDirectory(System.IO.Path.Combine(path, dir));
        File.Copy(Busybox, System.IO.Path.Combine(path, "bin/busybox"));
        using var applets = Process.Start(new ProcessStartInfo(Busybox, "--list") { RedirectStandardOutput = true })!;
        foreach (var applet in applets.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries))
            if (applet != "busybox")
                File.CreateSymbolicLink(System.IO.Path.Combine(path, "bin", applet), "busybox");
        applets.WaitForExit();
        return new Rootfs(path);
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
