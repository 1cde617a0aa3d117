namespace Containment.IntegrationTests.Escapes;

/// <summary>
/// Host-wide kernel state through /proc: a sysctl that is not namespaced (written directly, and after trying to remount
/// /proc/sys read-write), /proc/sysrq-trigger, /proc/kcore. Each host value is read before and after.
/// </summary>
[TestFixture(false)]
[TestFixture(true)]
public class ProcfsWriteTests(bool runcConfig)
{
    private Task<Support.Run.Result> InContainer(string script) => runcConfig ? Attack.InRuncDefault(script) : Attack.InDefault(script);

    [TestCase("vm/swappiness", "17")]
    [TestCase("kernel/core_pattern", "|/bin/escape %p")]
    public async Task Writing_a_host_wide_sysctl_fails_and_the_host_value_is_unchanged(string sysctl, string value)
    {
        var path = "/proc/sys/" + sysctl;
        var before = File.ReadAllText(path);
        Assume.That(before.Trim(), Is.Not.EqualTo(value), "the host already has the value the attack writes");
        await HostValue.AssertUnchangedBy(path, () => InContainer($"""
            echo '{value}' > {path} && echo written
            mount -o remount,rw /proc/sys && echo remounted
            mount -o remount,rw,bind /proc/sys && echo remounted
            echo '{value}' > {path} && echo written
            echo done
            """));
    }

    [Test]
    public async Task Writing_proc_sysrq_trigger_fails()
    {
        Assume.That(File.Exists("/proc/sysrq-trigger"), "this kernel has no /proc/sysrq-trigger (CONFIG_MAGIC_SYSRQ off)");
        // 'h' only prints the help to the kernel log: harmless if the defence fails.
        var r = await InContainer("echo h > /proc/sysrq-trigger && echo written; grep -c ' /proc/sysrq-trigger ro,' /proc/self/mountinfo");
        Assert.That(r.Stdout, Is.EqualTo("1\n"), r.Stderr);
    }

    [Test]
    public async Task Reading_proc_kcore_yields_nothing()
    {
        Assume.That(File.Exists("/proc/kcore"), "this kernel has no /proc/kcore (CONFIG_PROC_KCORE off)");
        var r = await InContainer("head -c 4096 /proc/kcore | wc -c; stat -c '%F %t:%T' /proc/kcore");
        Assert.That(r.Stdout, Is.EqualTo("0\ncharacter special file 1:3\n"), r.Stderr);
    }
}
