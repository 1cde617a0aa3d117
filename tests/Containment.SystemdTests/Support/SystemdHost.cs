using System.Diagnostics;

namespace Containment.SystemdTests.Support;

/// <summary>What the suite needs (root, systemd as PID 1, the system bus, pure cgroup v2) and how it asks systemd.</summary>
public static class SystemdHost
{
    public const string CgroupRoot = "/sys/fs/cgroup";

    /// <summary>Generous: .NET and every syscall run 15–20× slower under emulation.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    /// <summary>
    /// How long a command may take: the CLI is JIT-compiled at every call, and podman calls it several times (create,
    /// start, state); on a loaded machine under emulation that takes minutes.
    /// </summary>
    public static readonly TimeSpan CommandPatience = TimeSpan.FromMinutes(5);

    /// <summary>Why the suite cannot run here, or null when it can.</summary>
    public static string? Missing()
    {
        if (Environment.UserName != "root") return "needs root";
        if (!Directory.Exists("/run/systemd/system") || File.ReadAllText("/proc/1/comm").Trim() != "systemd")
            return "needs systemd as PID 1; tests/cgroup2-vm/systemd.sh runs this suite in a VM booted with systemd";
        if (!File.Exists("/run/dbus/system_bus_socket")) return "needs the system D-Bus (/run/dbus/system_bus_socket)";
        var fsType = File.ReadLines("/proc/self/mountinfo").Select(l => l.Split(' ')).Where(f => f.Length > 4 && f[4] == CgroupRoot)
            .Select(f => f[Array.IndexOf(f, "-") + 1]).LastOrDefault();
        return fsType == "cgroup2" ? null : $"needs pure cgroup v2 ({CgroupRoot} is {fsType ?? "not mounted"})";
    }

    public static void Require()
    {
        if (Missing() is { } why) Assert.Ignore(why);
    }

    /// <summary>A fresh unique name part for units (<c>t1a2b3c4</c>).</summary>
    public static string NewId() => "t" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>Runs a program to completion and returns its exit code and stdout + stderr.</summary>
    public static (int Code, string Output) Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(CommandPatience)) { p.Kill(true); Assert.Fail($"{file} {string.Join(' ', args)} timed out"); }
        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary><c>systemctl show -p NAME --value UNIT</c>.</summary>
    public static string Show(string unit, string property) => Run("systemctl", "show", "-p", property, "--value", unit).Output.Trim();

    /// <summary>
    /// Stops a slice the test made systemd create (with everything in it) and returns what is left loaded under its
    /// name: systemd creates a scope's parent slices on demand but never removes them, as a kubelet removes its pod
    /// slices itself.
    /// </summary>
    public static IReadOnlyList<string> StopSlice(string slice)
    {
        var (code, output) = Run("systemctl", "stop", slice);
        Assert.That(code, Is.Zero, $"systemctl stop {slice}: {output}");
        return Units(slice[..^".slice".Length] + "*");
    }

    /// <summary>The loaded units matching <paramref name="pattern"/> (<c>systemctl list-units --all</c>).</summary>
    public static IReadOnlyList<string> Units(string pattern) =>
        Run("systemctl", "list-units", "--all", "--plain", "--no-legend", pattern).Output
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim().Split(' ')[0]).ToList();

    /// <summary>Polls until <paramref name="condition"/> holds or <see cref="Patience"/> passes.</summary>
    public static async Task<bool> Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(100);
        }
        return true;
    }

    public static string Read(string cgroup, string file) => File.ReadAllText(Path.Combine(cgroup, file)).Trim();

    public static long Key(string cgroup, string file, string key) =>
        Read(cgroup, file).Split('\n').Select(l => l.Split(' ')).Where(kv => kv[0] == key).Select(kv => long.Parse(kv[1])).Single();
}
