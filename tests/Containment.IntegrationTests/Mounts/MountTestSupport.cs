using System.Diagnostics;
using Containment.IntegrationTests.Support;

namespace Containment.IntegrationTests.Mounts;

/// <summary>Helpers for the mount tests: host temp directories, host-side mounts, a shell in a busybox rootfs.</summary>
internal static class MountTestSupport
{
    public static string HostDir(string name = "host")
    {
        var dir = Directory.CreateTempSubdirectory($"containment-mounts-{name}-").FullName;
        return dir;
    }

    /// <summary>Runs <c>sh -c script</c> in the busybox rootfs, with the spec changed by <paramref name="configure"/>.</summary>
    public static Task<Run.Result> Sh(TestRootfs rootfs, string script, Func<ContainerSpec, ContainerSpec>? configure = null, ContainerStartOptions? options = null)
    {
        var spec = ContainerSpec.FromRootfs(rootfs.Path).WithProcess(p => p.Args("/bin/sh", "-c", script));
        return Run.ToCompletion(configure is null ? spec : configure(spec), options);
    }

    /// <summary>Runs a host command (mount, umount...), failing the test if it fails.</summary>
    public static void Host(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardError = true };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
            Assert.Fail($"{file} {string.Join(' ', args)}: exit {p.ExitCode}: {err}");
    }

    /// <summary>Unmounts (lazily) if mounted; for finally blocks.</summary>
    public static void Unmount(string path)
    {
        if (File.ReadAllLines("/proc/self/mountinfo").Any(l => l.Split(' ')[4] == path))
            Host("/usr/bin/umount", "-l", path);
    }

    /// <summary>The options field of the mount at <paramref name="mountPoint"/> in a mountinfo text (the last one wins).</summary>
    public static string[] MountOptionsIn(string mountinfo, string mountPoint) =>
        mountinfo.Split('\n').Select(l => l.Split(' ')).Where(f => f.Length > 5 && f[4] == mountPoint)
            .Select(f => f[5].Split(',')).LastOrDefault() ?? [];
}
