using Containment.Cgroups;
using Containment.Cgroups.Controllers;
using Containment.Cgroups.Systemd;
using static Containment.Cgroups.ByteSize;

namespace Containment.Tests.Cgroups.Systemd;

public class SystemdPropertiesTests
{
    private static List<string> Limits(Action<CgroupBuilder> build)
    {
        var spec = CgroupSpec.Build(build);
        var writes = CgroupController.All.Where(c => c.IsRequested(spec) && c.ExistsOnV2 && c is not DevicesController).SelectMany(c => c.V2Writes(spec));
        return SystemdProperties.ForLimits(writes).Select(p => p.ToString()).ToList();
    }

    [Test]
    public void Every_limit_systemd_has_a_property_for_becomes_that_property_with_the_value_the_v2_file_gets()
    {
        var properties = Limits(c => c
            .MemoryMax(256 * MiB).MemorySwapMax(512 * MiB).MemoryReservation(128 * MiB)
            .CpuWeight(300).CpuQuota(50_000, 100_000)
            .Cpus("0-1,9").Mems("0")
            .PidsMax(64)
            .IoWeight(500).IoDeviceWeight(8, 0, 300)
            .IoThrottle(8, 0, IoThrottleKind.ReadBytesPerSecond, 1_000_000).IoThrottle(8, 16, IoThrottleKind.WriteBytesPerSecond, 2_000_000)
            .IoThrottle(8, 0, IoThrottleKind.ReadOpsPerSecond, 100).IoThrottle(8, 0, IoThrottleKind.WriteOpsPerSecond, 200));
        Assert.That(properties, Is.EquivalentTo(new[]
        {
            $"MemoryMax={256 * MiB}", $"MemorySwapMax={256 * MiB}", $"MemoryLow={128 * MiB}",
            "CPUWeight=300", "CPUQuotaPerSecUSec=500000", "CPUQuotaPeriodUSec=100000",
            "AllowedCPUs=0,1,9", "AllowedMemoryNodes=0",
            "TasksMax=64",
            $"IOWeight={IoSettings.ToV2Weight(500)}", $"IODeviceWeight=/dev/block/8:0 {IoSettings.ToV2Weight(300)}",
            "IOReadBandwidthMax=/dev/block/8:0 1000000", "IOWriteBandwidthMax=/dev/block/8:16 2000000",
            "IOReadIOPSMax=/dev/block/8:0 100", "IOWriteIOPSMax=/dev/block/8:0 200",
        }));
    }

    [Test]
    public void Unlimited_is_infinity() =>
        Assert.That(Limits(c => c.MemoryMax(CgroupSpec.Unlimited).PidsMax(CgroupSpec.Unlimited)),
            Is.EquivalentTo(new[] { "MemoryMax=infinity", "TasksMax=infinity" }));

    [Test]
    public void A_cpu_quota_is_per_second_rounded_up_to_whole_10_ms_as_systemd_keeps_percent()
    {
        Assert.That(Limits(c => c.CpuQuota(33_333, 100_000)), Is.EquivalentTo(new[] { "CPUQuotaPerSecUSec=340000", "CPUQuotaPeriodUSec=100000" }));
        Assert.That(Limits(c => c.CpuQuota(0.25)), Does.Contain("CPUQuotaPerSecUSec=250000"));
    }

    [Test]
    public void Cpu_sets_are_bit_masks_with_cpu_n_at_bit_n_mod_8_of_byte_n_div_8()
    {
        Assert.That(BitMask.From([0, 1, 9]), Is.EqualTo(new byte[] { 0x03, 0x02 }));
        Assert.That(BitMask.Members([0x03, 0x02]), Is.EqualTo(new[] { 0, 1, 9 }));
    }

    [Test]
    public void What_systemd_has_no_property_for_stays_with_the_files()
    {
        Assert.That(Limits(c => c.OomGroup().CpuBurst(1000).CpuIdle(true).HugetlbMax("2MB", 4 * MiB)), Is.Empty);
    }

    [Test]
    public void A_new_scope_is_delegated_holds_the_placeholder_and_turns_accounting_on()
    {
        var path = SystemdScopePath.Parse("machine.slice:libpod:abc", "abc", false);
        var all = SystemdProperties.ForNewScope(path, "abc", 4242, []).Select(p => p.ToString()).ToList();
        Assert.That(all, Is.SupersetOf(new[]
        {
            "Slice=machine.slice", "Delegate=yes", "PIDs=4242", "DefaultDependencies=no",
            "MemoryAccounting=yes", "CPUAccounting=yes", "TasksAccounting=yes", "IOAccounting=yes",
        }));
        Assert.That(all, Has.None.StartsWith("Device"), "devices stay with the library's own eBPF filter");
    }
}
