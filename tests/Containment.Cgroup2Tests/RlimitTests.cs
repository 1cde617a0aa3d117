using Containment.Capabilities;
using Containment.Cgroup2Tests.Support;
using Containment.Identity;

namespace Containment.Cgroup2Tests;

/// <summary>
/// Hard limits above the caller's (Podman's RLIMIT_NOFILE=1048576): raising one needs CAP_SYS_RESOURCE in the host's user
/// namespace, which the guest's root has (this machine's sandbox does not). Set while the process is still privileged, as
/// runc and crun do: before the capabilities drop. (A new user namespace cannot be made here: the guest runs the suite
/// chrooted, where the kernel refuses CLONE_NEWUSER; tests/Containment.IntegrationTests UserNamespaceTests cover that path.)
/// </summary>
[TestFixture, NonParallelizable]
public class RlimitTests
{
    private ulong _target;

    [OneTimeSetUp]
    public void RequireRoomAbove()
    {
        if (Environment.UserName != "root") Assert.Ignore("needs root");
        if (!File.ReadLines("/proc/self/status").Any(l => l.StartsWith("CapEff:") && (Convert.ToUInt64(l[7..].Trim(), 16) & (1UL << 24)) != 0))
            Assert.Ignore("this process lacks CAP_SYS_RESOURCE: no one can raise a hard limit here (tests/cgroup2-vm/run.sh runs this as the guest's root)");
        _target = ulong.Parse(File.ReadAllText("/proc/sys/fs/nr_open").Trim());
        var own = File.ReadLines("/proc/self/limits").Single(l => l.StartsWith("Max open files")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[4];
        if (own == "unlimited" || ulong.Parse(own) >= _target)
            Assert.Ignore($"this process's hard RLIMIT_NOFILE ({own}) is already at fs.nr_open");
    }

    [Test]
    public async Task A_hard_limit_above_the_callers_is_set_for_a_process_without_capabilities()
    {
        var spec = ContainerSpec.HostReadOnly().WithProcess(p => p.Args("/bin/sh", "-c", "ulimit -Hn; grep CapEff /proc/self/status")
            .Rlimit(ResourceLimit.Nofile, _target, _target).Capabilities(CapabilitySpec.None));

        var (exit, stdout, stderr) = await Container.RunToCompletion(spec);

        Assert.That(exit.ExitCode, Is.Zero, stderr);
        Assert.That(stdout, Is.EqualTo($"{_target}\nCapEff:\t0000000000000000\n"));
    }
}
