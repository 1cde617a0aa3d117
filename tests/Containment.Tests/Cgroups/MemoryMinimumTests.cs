using Containment.Cgroups;
using Containment.Oci;
using static Containment.Cgroups.ByteSize;

namespace Containment.Tests.Cgroups;

/// <summary>Issue 15, trap 8: the typed API refuses a memory limit that would OOM-kill the process as it starts; OCI takes any.</summary>
public class MemoryMinimumTests
{
    private static readonly MachineTopology Machine = new(new HashSet<int> { 0 }, new HashSet<int> { 0 }, new HashSet<string>());

    [TestCase(1L)]
    [TestCase(4 * MiB - 1)]
    public void A_memory_limit_under_the_minimum_is_refused_naming_the_field(long bytes)
    {
        var errors = CgroupValidator.Validate(CgroupSpec.Build(c => c.MemoryMax(bytes)), Machine);
        Assert.That(errors.Single().Field, Does.EndWith("memory.max"));
        Assert.That(errors.Single().Message, Does.Contain("below the minimum of 4 MiB"));
    }

    [Test]
    public void The_minimum_and_unlimited_are_taken()
    {
        Assert.That(CgroupValidator.Validate(CgroupSpec.Build(c => c.MemoryMax(CgroupBuilder.MinimumMemoryMax)), Machine), Is.Empty);
        Assert.That(CgroupValidator.Validate(CgroupSpec.Build(c => c.MemoryMax(CgroupSpec.Unlimited)), Machine), Is.Empty);
    }

    [Test]
    public void An_OCI_config_keeps_any_size_as_runc_does()
    {
        var config = OciConfig.Parse("""{"ociVersion":"1.0.2","root":{"path":"/srv/rootfs"},"process":{"args":["sh"],"cwd":"/","user":{"uid":0,"gid":0}},"linux":{"resources":{"memory":{"limit":1048576}}}}""");
        Assert.That(OciSpecConverter.ToContainerSpec(config, "/srv").Cgroup!.Memory!.Max, Is.EqualTo(MiB));
    }
}
