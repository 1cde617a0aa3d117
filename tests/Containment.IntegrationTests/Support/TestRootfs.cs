using System.Diagnostics;

namespace Containment.IntegrationTests.Support;

/// <summary>A throw-away busybox root filesystem in a temp directory.</summary>
public sealed class TestRootfs : IDisposable
{
    public const string Busybox = "/usr/bin/busybox";

    private TestRootfs(string path) => Path = path;

    public string Path { get; }

    public static TestRootfs Create()
    {
        if (!File.Exists(Busybox))
            Assert.Fail($"{Busybox} is missing: install busybox-static (.ci/run does)");
        var path = Directory.CreateTempSubdirectory("containment-test-rootfs-").FullName;
        var rootfs = new TestRootfs(path);
        foreach (var dir in new[] { "bin", "proc", "dev", "sys", "tmp", "etc", "root" })
            Directory.CreateDirectory(System.IO.Path.Combine(path, dir));
        File.Copy(Busybox, System.IO.Path.Combine(path, "bin/busybox"));
        var applets = Process.Start(new ProcessStartInfo(Busybox, "--list") { RedirectStandardOutput = true })!;
        foreach (var applet in applets.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries))
            if (applet != "busybox")
                File.CreateSymbolicLink(System.IO.Path.Combine(path, "bin", applet), "busybox");
        applets.WaitForExit();
        File.WriteAllText(System.IO.Path.Combine(path, "etc/marker"), "inside-rootfs\n");
        return rootfs;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
