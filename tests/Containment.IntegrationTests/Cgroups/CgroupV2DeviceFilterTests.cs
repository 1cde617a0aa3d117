using Containment.Cgroups;

namespace Containment.IntegrationTests.Cgroups;

/// <summary>The eBPF device filter, attached for real to a child of this machine's cgroup2 mount.</summary>
[TestFixture, NonParallelizable]
public class CgroupV2DeviceFilterTests
{
    [OneTimeSetUp]
    public void RequireRootAndCgroup2()
    {
        if (Environment.UserName != "root") Assert.Ignore("needs root");
        if (CgroupManager.Detect().Layout.Unified is null) Assert.Ignore("needs a cgroup2 mount");
    }

    private static CgroupTestScope Scope() => new() { Manager = new CgroupManager(CgroupLayout.Detect(), MachineTopology.Host) { PreferV2Devices = true } };

    [Test]
    public async Task The_v2_device_filter_denies_dev_null_and_allows_dev_zero()
    {
        using var scope = Scope();
        var handle = scope.Create(CgroupSpec.Build(c => c.AllowDevice('a', null, null).DenyDevice('c', 1, 3)));
        Assert.That(handle.Paths, Has.Some.StartsWith("/sys/fs/cgroup/unified/" + scope.Prefix));
        var sh = scope.StartParked("head -c1 /dev/zero > /dev/zero && echo zero-ok; echo x > /dev/null && echo null-ok");
        handle.AddProcess(sh.Id);
        CgroupTestScope.Release(sh);
        var (_, output, err) = await CgroupTestScope.WaitAsync(sh);
        Assert.That(output, Does.Contain("zero-ok"));
        Assert.That(output, Does.Not.Contain("null-ok"));
        Assert.That(err, Does.Contain("Operation not permitted"));
    }

    [Test]
    public async Task An_allow_list_denies_every_other_device_and_limits_access_modes()
    {
        using var scope = Scope();
        // Only /dev/zero, and only for reading.
        var handle = scope.Create(CgroupSpec.Build(c => c.AllowDevice('c', 1, 5, "r")));
        var sh = scope.StartParked("head -c1 /dev/zero >/dev/stderr 2>&1 && echo read-ok; (echo x > /dev/zero) 2>/dev/stderr && echo write-ok; (head -c1 /dev/urandom) >/dev/stderr && echo urandom-ok");
        handle.AddProcess(sh.Id);
        CgroupTestScope.Release(sh);
        var (_, output, _) = await CgroupTestScope.WaitAsync(sh);
        Assert.That(output, Does.Contain("read-ok"));
        Assert.That(output, Does.Not.Contain("write-ok"));
        Assert.That(output, Does.Not.Contain("urandom-ok"));
    }

    [Test]
    public async Task Updating_device_rules_replaces_the_filter_on_a_live_cgroup()
    {
        using var scope = Scope();
        var handle = scope.Create(CgroupSpec.Build(c => c.AllowDevice('a', null, null).DenyDevice('c', 1, 3)));
        new Cgroup(handle).Update(CgroupSpec.Build(c => c.AllowDevice('a', null, null)));
        var sh = scope.StartParked("echo x > /dev/null && echo null-ok");
        handle.AddProcess(sh.Id);
        CgroupTestScope.Release(sh);
        var (_, output, _) = await CgroupTestScope.WaitAsync(sh);
        Assert.That(output, Does.Contain("null-ok"));
        handle.Destroy();
        Assert.That(CgroupTestScope.CountDirectories(scope.Prefix), Is.Zero);
    }
}
