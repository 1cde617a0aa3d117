using Containment.Cgroups.Devices;

namespace Containment.Tests.Cgroups;

/// <summary>Runs the eBPF subset the device filter uses, on a <c>struct bpf_cgroup_dev_ctx</c>, as the kernel would.</summary>
internal static class BpfInterpreter
{
    public static int Run(IReadOnlyList<BpfInstruction> program, int type, int access, int major, int minor)
    {
        var ctx = new uint[] { (uint)((access << 16) | type), (uint)major, (uint)minor };
        var r = new ulong[11];
        var pc = 0;
        for (var steps = 0; steps < 10_000; steps++)
        {
            var i = program[pc++];
            switch (i.Code)
            {
                case 0x61: r[i.Dst] = ctx[i.Offset / 4]; Assert.That(i.Src, Is.EqualTo(1), "loads only from the context"); break;
                case 0x54: r[i.Dst] = (uint)r[i.Dst] & (uint)i.Imm; break;
                case 0x74: r[i.Dst] = (uint)r[i.Dst] >> i.Imm; break;
                case 0xb4: r[i.Dst] = (uint)i.Imm; break;
                case 0xbc: r[i.Dst] = (uint)r[i.Src]; break;
                case 0x55: if (r[i.Dst] != (ulong)(long)i.Imm) pc += i.Offset; break;
                case 0x5d: if (r[i.Dst] != r[i.Src]) pc += i.Offset; break;
                case 0x95: return (int)r[0];
                default: Assert.Fail($"unexpected opcode 0x{i.Code:x2} at {pc - 1}"); break;
            }
            Assert.That(pc, Is.InRange(0, program.Count - 1), "jumps stay inside the program");
        }
        Assert.Fail("the program did not terminate");
        return -1;
    }
}
