namespace Containment.IntegrationTests.Escapes;

/// <summary>Host-wide state through /sys: a tunable of the host's root disk and a kernel switch, read before and after.</summary>
[TestFixture(false)]
[TestFixture(true)]
public class SysfsWriteTests(bool runcConfig)
{
    /// <summary>The major:minor of the device the host's root is mounted from (/proc/self/mountinfo's third field).</summary>
    internal static string RootDevice() =>
        File.ReadLines("/proc/self/mountinfo").Select(l => l.Split(' ')).First(f => f[4] == "/").ElementAt(2);

    public static IEnumerable<string> Tunables()
    {
        yield return $"/sys/dev/block/{RootDevice()}/queue/read_ahead_kb";
        yield return "/sys/kernel/rcu_expedited";
    }

    [TestCaseSource(nameof(Tunables))]
    public async Task Writing_a_host_sysfs_tunable_fails_and_the_host_value_is_unchanged(string path)
    {
        Assume.That(File.Exists(path), $"{path} is not on this kernel");
        var before = File.ReadAllText(path);
        var value = before.Trim() == "1" ? "0" : "1";
        var script = $"echo {value} > {path} && echo written; mount -o remount,rw /sys && echo remounted; echo {value} > {path} && echo written; echo done";
        await HostValue.AssertUnchangedBy(path, () => runcConfig ? Attack.InRuncDefault(script) : Attack.InDefault(script));
    }
}
