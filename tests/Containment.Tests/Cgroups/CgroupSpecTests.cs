using Containment.Cgroups;
using static Containment.Cgroups.ByteSize;

namespace Containment.Tests.Cgroups;

public class CgroupSpecTests
{
    private static readonly MachineTopology Machine = new(new HashSet<int> { 0, 1 }, new HashSet<int> { 0 }, new HashSet<string> { "2MB", "1GB" });

    private static IReadOnlyList<SpecError> Validate(Action<CgroupBuilder> build) => CgroupValidator.Validate(CgroupSpec.Build(build), Machine);

    [Test]
    public void The_builder_makes_an_immutable_spec()
    {
        var spec = CgroupSpec.Build(c => c.MemoryMax(256 * MiB).PidsMax(64).CpuQuota(0.5));
        var changed = spec.With(c => c.PidsMax(10));
        Assert.That(spec.PidsMax, Is.EqualTo(64));
        Assert.That(changed.PidsMax, Is.EqualTo(10));
        Assert.That(changed.Memory!.Max, Is.EqualTo(256 * MiB));
        Assert.That(spec.Cpu, Is.EqualTo(new CpuSettings { Quota = 50_000, Period = 100_000 }));
    }

    [Test]
    public void A_valid_spec_has_no_errors()
    {
        Assert.That(Validate(c => c.MemoryMax(GiB).MemorySwapMax(2 * GiB).Cpus("0-1").Mems("0").PidsMax(CgroupSpec.Unlimited)
            .HugetlbMax("2MB", 4 * MiB).DenyAllDevices().AllowDevice('c', 1, 3, "rwm").IoWeight(100).Unified("memory.high", "100M")), Is.Empty);
    }

    [Test]
    public void Every_problem_is_reported_with_its_field()
    {
        var errors = Validate(c => c.MemoryMax(0).PidsMax(-5).CpuShares(1).Cpus("0-3").Mems("1").IoWeight(5)
            .HugetlbMax("3MB", 1).AllowDevice('x', 1, 3).AllowDevice('c', 1, 3, "rwz").IoThrottle(8, 0, IoThrottleKind.ReadBytesPerSecond, 0)
            .Swappiness(101).Unified("../escape", "1"));
        var fields = errors.Select(e => e.Field).ToList();
        Assert.That(fields, Is.SupersetOf(new[]
        {
            "cgroup.memory.max", "cgroup.pids.max", "cgroup.cpu.shares", "cgroup.cpuset.cpus", "cgroup.cpuset.mems", "cgroup.io.weight",
            "cgroup.hugetlb[0].pageSize", "cgroup.devices[0].type", "cgroup.devices[1].access", "cgroup.io.throttles[0].rate",
            "cgroup.memory.swappiness", "cgroup.unified[../escape]",
        }));
        Assert.That(errors.Single(e => e.Field == "cgroup.cpuset.cpus").Message, Does.Contain("2,3"));
    }

    [Test]
    public void A_swap_limit_below_the_memory_limit_is_refused()
    {
        Assert.That(Validate(c => c.MemoryMax(GiB).MemorySwapMax(MiB)).Select(e => e.Field), Is.EqualTo(new[] { "cgroup.memory.memoryAndSwapMax" }));
    }

    [Test]
    public void An_invalid_spec_creates_nothing()
    {
        var manager = new CgroupManager(new CgroupLayout(CgroupMode.Unified, [], new CgroupHierarchy("/nonexistent", "/", new HashSet<string>(), true, "/")), Machine);
        var e = Assert.Throws<ContainerSpecException>(() => manager.Create(CgroupSpec.Build(c => c.PidsMax(0).MemoryMax(-7)), "x", null));
        Assert.That(e!.Errors, Has.Count.EqualTo(2));
    }

    [TestCase(1024, 39)]
    [TestCase(2, 1)]
    [TestCase(262144, 10000)]
    public void Shares_convert_to_weights_with_the_standard_formula(long shares, long weight) =>
        Assert.That(CpuSettings.SharesToWeight(shares), Is.EqualTo(weight));

    [TestCase("4096", 4096L)]
    [TestCase("512k", 512L * 1024)]
    [TestCase("64M", 64L * 1024 * 1024)]
    [TestCase("1g", 1024L * 1024 * 1024)]
    [TestCase("2GiB", 2L * 1024 * 1024 * 1024)]
    [TestCase(" 10mb ", 10L * 1024 * 1024)]
    public void Sizes_parse_with_binary_units(string text, long bytes) => Assert.That(ByteSize.Parse(text), Is.EqualTo(bytes));

    [TestCase("")]
    [TestCase("M")]
    [TestCase("12q")]
    [TestCase("-5M")]
    [TestCase("99999999999999999999")]
    [TestCase("9999999999T")]
    public void Non_sizes_are_refused(string text) => Assert.That(ByteSize.TryParse(text, out _), Is.False);
}
