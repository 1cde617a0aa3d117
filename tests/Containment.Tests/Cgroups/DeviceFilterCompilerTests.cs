using Containment.Cgroups;
using Containment.Cgroups.Devices;

namespace Containment.Tests.Cgroups;

public class DeviceFilterCompilerTests
{
    private const int Char = DeviceFilterCompiler.DevChar, Block = DeviceFilterCompiler.DevBlock;
    private const int R = (int)DeviceAccess.Read, W = (int)DeviceAccess.Write, M = (int)DeviceAccess.Mknod;

    private static int Run(CgroupSpec spec, int type, int access, int major, int minor) =>
        BpfInterpreter.Run(DeviceFilterCompiler.Compile(spec.Devices!), type, access, major, minor);

    [Test]
    public void With_no_rules_every_device_is_denied()
    {
        Assert.That(Run(CgroupSpec.Empty with { Devices = [] }, Char, R, 1, 3), Is.Zero);
    }

    [Test]
    public void An_allow_rule_admits_only_its_device_and_access()
    {
        var spec = CgroupSpec.Build(c => c.AllowDevice('c', 1, 5, "rw"));
        Assert.Multiple(() =>
        {
            Assert.That(Run(spec, Char, R, 1, 5), Is.EqualTo(1));
            Assert.That(Run(spec, Char, R | W, 1, 5), Is.EqualTo(1));
            Assert.That(Run(spec, Char, M, 1, 5), Is.Zero, "mknod was not allowed");
            Assert.That(Run(spec, Char, R, 1, 3), Is.Zero, "another minor");
            Assert.That(Run(spec, Char, R, 2, 5), Is.Zero, "another major");
            Assert.That(Run(spec, Block, R, 1, 5), Is.Zero, "a block device");
        });
    }

    [Test]
    public void The_last_matching_rule_wins()
    {
        var spec = CgroupSpec.Build(c => c.AllowDevice('a', null, null).DenyDevice('c', 1, 3).AllowDevice('c', 1, 3, "r"));
        Assert.Multiple(() =>
        {
            Assert.That(Run(spec, Char, R, 1, 3), Is.EqualTo(1), "the later allow of reading");
            Assert.That(Run(spec, Char, W, 1, 3), Is.Zero, "the deny still covers writing");
            Assert.That(Run(spec, Char, W, 1, 5), Is.EqualTo(1), "the allow-all covers the rest");
            Assert.That(Run(spec, Block, R | W | M, 8, 0), Is.EqualTo(1));
        });
    }

    [Test]
    public void Wildcards_match_any_number()
    {
        var spec = CgroupSpec.Build(c => c.AllowDevice('c', 136, null).AllowDevice('b', null, 0, "r"));
        Assert.That(Run(spec, Char, R | W, 136, 7), Is.EqualTo(1));
        Assert.That(Run(spec, Block, R, 8, 0), Is.EqualTo(1));
        Assert.That(Run(spec, Block, R, 8, 1), Is.Zero);
    }

    [Test]
    public void Nothing_follows_an_unconditional_rule()
    {
        var program = DeviceFilterCompiler.Compile([new DeviceRule(true, DeviceType.Char, 1, 3, DeviceAccess.All), new DeviceRule(false, DeviceType.All, null, null, DeviceAccess.All)]);
        Assert.That(program[^1].Code, Is.EqualTo(0x95));
        Assert.That(program.Count(i => i.Code == 0x95), Is.EqualTo(1), "only the deny-all exit: the rule before it is unreachable and omitted");
    }

    [Test]
    public void Instructions_are_encoded_as_the_kernel_expects()
    {
        var bytes = new byte[8];
        BpfInstruction.JumpNotEqualReg(1, 3, 2).WriteTo(bytes);
        Assert.That(bytes, Is.EqualTo(new byte[] { 0x5d, 0x31, 2, 0, 0, 0, 0, 0 }));
    }
}
