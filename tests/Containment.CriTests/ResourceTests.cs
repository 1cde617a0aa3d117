using Containment.CriTests.Cri;

namespace Containment.CriTests;

/// <summary>
/// LinuxContainerResources as the kubelet sends them (a pod's limits), enforced: the memory limit OOM-kills, the CPU
/// quota and shares are in the container's cgroup, at the path the kubelet expects (its pod cgroup / container id),
/// and visible inside the container where a JVM or Go's automaxprocs reads them.
/// </summary>
public class ResourceTests(string handler) : CriTest(handler)
{
    private static bool V2 => File.Exists("/sys/fs/cgroup/cgroup.controllers");

    [Test]
    public async Task A_memory_limit_OOM_kills_the_container_and_its_status_says_OOMKilled()
    {
        var pod = await Pod.RunAsync(Handler);
        var id = await pod.RunAsync("hog", "sleep 1; x=a; while :; do x=$x$x; done",
            c => c.Linux.Resources.MemoryLimitInBytes = 32 << 20);
        var status = await pod.AwaitExitAsync(id);
        Assert.That((status.ExitCode, status.Reason), Is.EqualTo((137, "OOMKilled")));
        await pod.RemoveContainerAsync(id);
        Assert.That(await pod.RemoveAsync(Handler), Is.Empty, "left behind");
    }

    [Test]
    public async Task The_cpu_quota_period_and_shares_are_in_the_container_cgroup_and_visible_inside()
    {
        var pod = await Pod.RunAsync(Handler);
        var id = await pod.RunAsync("limited", "trap '' TERM; while :; do sleep 1; done", c =>
        {
            c.Linux.Resources.CpuPeriod = 100000;
            c.Linux.Resources.CpuQuota = 50000;
            c.Linux.Resources.CpuShares = 512;
            c.Linux.Resources.MemoryLimitInBytes = 64 << 20;
        });
        var pid = await pod.HostPidAsync(id);
        var (cpu, memory) = (CgroupOf(pid, "cpu"), CgroupOf(pid, "memory"));
        Assert.That((cpu, memory), Is.EqualTo(($"{pod.CgroupParent}/{id}", $"{pod.CgroupParent}/{id}")), "the cgroup the kubelet and cAdvisor look for");
        if (V2)
        {
            Assert.That(Read($"/sys/fs/cgroup{cpu}/cpu.max"), Is.EqualTo("50000 100000"));
            Assert.That(Read($"/sys/fs/cgroup{memory}/memory.max"), Is.EqualTo((64 << 20).ToString()));
            Assert.That(await pod.ExecAsync(id, "cat", "/sys/fs/cgroup/cpu.max"), Is.EqualTo((0, "50000 100000\n", "")));
        }
        else
        {
            Assert.Multiple(() =>
            {
                Assert.That(Read($"/sys/fs/cgroup/cpu{cpu}/cpu.cfs_quota_us"), Is.EqualTo("50000"));
                Assert.That(Read($"/sys/fs/cgroup/cpu{cpu}/cpu.cfs_period_us"), Is.EqualTo("100000"));
                Assert.That(Read($"/sys/fs/cgroup/cpu{cpu}/cpu.shares"), Is.EqualTo("512"));
                Assert.That(Read($"/sys/fs/cgroup/memory{memory}/memory.limit_in_bytes"), Is.EqualTo((64 << 20).ToString()));
            });
            // runc's v1 layout: each hierarchy mounted read-only at /sys/fs/cgroup/NAME, the container's own cgroup at its root.
            Assert.That(await pod.ExecAsync(id, "cat", "/sys/fs/cgroup/cpu/cpu.cfs_quota_us", "/sys/fs/cgroup/memory/memory.limit_in_bytes"),
                Is.EqualTo((0, $"50000\n{64 << 20}\n", "")));
        }
        Assert.That(await pod.RemoveAsync(Handler), Is.Empty, "left behind");
    }

    /// <summary>The process' cgroup path for a controller (v1: that controller's hierarchy; v2: the unified one).</summary>
    private static string CgroupOf(int pid, string controller) =>
        File.ReadAllLines($"/proc/{pid}/cgroup").Select(l => l.Split(':', 3))
            .First(p => V2 ? p[0] == "0" : p[1].Split(',').Contains(controller))[2];

    private static string Read(string path) => File.ReadAllText(path).Trim();
}
