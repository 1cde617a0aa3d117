using System.Runtime.InteropServices;

namespace Containment.IntegrationTests.Launch;

/// <summary>A cgroup join the kernel refuses is reported as the failed step, whatever the order of plan and cgroup.</summary>
public partial class CgroupJoinFailureTests
{
    private const int SchedOther = 0, SchedRr = 2;

    [Test]
    public void A_real_time_host_refused_by_the_cpu_cgroup_gets_the_join_step_and_its_errno()
    {
        // With RT group scheduling, a new v1 cpu cgroup has no real-time runtime, so the kernel refuses (EINVAL) to move a
        // SCHED_RR process into it; the executor inherits the policy of the thread that spawns it.
        if (!File.Exists("/sys/fs/cgroup/cpu/cpu.rt_runtime_us"))
            Assert.Ignore("no v1 cpu hierarchy with real-time group scheduling here");
        var spec = ContainerSpec.HostReadOnly().WithCgroup(c => c.PidsMax(16)).WithProcess(p => p.Args("/bin/true"));
        Task<ContainerProcess> start;
        var id = "rt-join-" + Guid.NewGuid().ToString("N")[..8];
        var priority = 1;
        Assert.That(SchedSetScheduler(0, SchedRr, ref priority), Is.Zero, "sched_setscheduler(SCHED_RR)");
        try
        {
            start = ContainerProcess.StartAsync(spec, new ContainerStartOptions { Id = id }); // spawns the executor before its first await
        }
        finally
        {
            priority = 0;
            SchedSetScheduler(0, SchedOther, ref priority);
        }
        var e = Assert.ThrowsAsync<ContainerStartException>(async () => await (await start).DisposeAsync());
        Assert.That((e!.Syscall, e.Subject, e.ErrnoName), Is.EqualTo(("write", "tasks", "EINVAL")));
        Assert.That(Directory.GetDirectories("/sys/fs/cgroup", id, SearchOption.AllDirectories), Is.Empty, "cgroup directories left behind");
    }

    [LibraryImport("libc", EntryPoint = "sched_setscheduler", SetLastError = true)]
    private static partial int SchedSetScheduler(int pid, int policy, ref int priority);
}
