using System.Buffers.Binary;

namespace Containment.Seccomp.Bpf;

/// <summary>
/// Runs a classic BPF program over <c>struct seccomp_data</c> as the kernel does (32-bit unsigned A and X,
/// 16 scratch words, forward jumps only), counting the instructions executed. Used by tests, by the comparison
/// with libseccomp and to cross-check <see cref="SeccompProfile.Explain(SeccompArchitecture, string, IReadOnlyList{ulong}?, Capabilities.CapabilitySet?)"/>.
/// </summary>
internal static class BpfInterpreter
{
    public static uint Run(ReadOnlySpan<BpfInstruction> program, SeccompData data, bool bigEndian = false) =>
        Run(program, data.ToBytes(bigEndian), bigEndian, out _);

    public static uint Run(ReadOnlySpan<BpfInstruction> program, SeccompData data, bool bigEndian, out int executed) =>
        Run(program, data.ToBytes(bigEndian), bigEndian, out executed);

    public static uint Run(ReadOnlySpan<BpfInstruction> program, ReadOnlySpan<byte> data, bool bigEndian, out int executed)
    {
        uint a = 0, x = 0;
        Span<uint> mem = stackalloc uint[Op.MemWords];
        executed = 0;
        var pc = 0;
        while (true)
        {
            if ((uint)pc >= (uint)program.Length)
                throw new InvalidOperationException($"BPF program ran off its end at {pc}");
            var insn = program[pc++];
            executed++;
            var code = insn.Code;
            switch (Op.Class(code))
            {
                case Op.Ld:
                    a = Op.Mode(code) switch
                    {
                        Op.Abs when Op.Size(code) == Op.W => LoadWord(data, insn.K, bigEndian, pc),
                        Op.Imm => insn.K,
                        Op.Mem => mem[(int)CheckMem(insn.K, pc)],
                        Op.Len => (uint)data.Length,
                        _ => throw Bad(insn, pc),
                    };
                    break;
                case Op.Ldx:
                    x = Op.Mode(code) switch
                    {
                        Op.Imm => insn.K,
                        Op.Mem => mem[(int)CheckMem(insn.K, pc)],
                        Op.Len => (uint)data.Length,
                        _ => throw Bad(insn, pc),
                    };
                    break;
                case Op.St:
                    mem[(int)CheckMem(insn.K, pc)] = a;
                    break;
                case Op.Stx:
                    mem[(int)CheckMem(insn.K, pc)] = x;
                    break;
                case Op.Alu:
                {
                    var operand = Op.Src(code) == Op.X ? x : insn.K;
                    if (Op.Src(code) == Op.X && operand == 0 && Op.AluOp(code) is Op.Div or Op.Mod)
                        return 0; // As the kernel: division by X = 0 ends the program, returning 0.
                    a = Op.AluOp(code) switch
                    {
                        Op.Add => a + operand,
                        Op.Sub => a - operand,
                        Op.Mul => a * operand,
                        Op.Div => operand == 0 ? 0 : a / operand,
                        Op.Mod => operand == 0 ? a : a % operand,
                        Op.Or => a | operand,
                        Op.And => a & operand,
                        Op.Xor => a ^ operand,
                        Op.Lsh => operand >= 32 ? 0 : a << (int)operand,
                        Op.Rsh => operand >= 32 ? 0 : a >> (int)operand,
                        Op.Neg => (uint)-(int)a,
                        _ => throw Bad(insn, pc),
                    };
                    break;
                }
                case Op.Jmp:
                {
                    if (Op.AluOp(code) == Op.Ja)
                    {
                        pc += (int)insn.K;
                        break;
                    }
                    var operand = Op.Src(code) == Op.X ? x : insn.K;
                    var taken = Op.AluOp(code) switch
                    {
                        Op.Jeq => a == operand,
                        Op.Jgt => a > operand,
                        Op.Jge => a >= operand,
                        Op.Jset => (a & operand) != 0,
                        _ => throw Bad(insn, pc),
                    };
                    pc += taken ? insn.Jt : insn.Jf;
                    break;
                }
                case Op.Ret:
                    return Op.RetSrc(code) switch
                    {
                        Op.K => insn.K,
                        Op.A => a,
                        _ => throw Bad(insn, pc),
                    };
                case Op.Misc:
                    if (Op.MiscOp(code) == Op.Tax)
                        x = a;
                    else if (Op.MiscOp(code) == Op.Txa)
                        a = x;
                    else
                        throw Bad(insn, pc);
                    break;
            }
        }
    }

    private static uint LoadWord(ReadOnlySpan<byte> data, uint offset, bool bigEndian, int pc)
    {
        if (offset % 4 != 0 || offset > (uint)data.Length - 4)
            throw new InvalidOperationException($"BPF load at {pc - 1} reads offset {offset}, outside seccomp_data");
        var word = data.Slice((int)offset, 4);
        return bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(word) : BinaryPrimitives.ReadUInt32LittleEndian(word);
    }

    private static uint CheckMem(uint k, int pc) =>
        k < Op.MemWords ? k : throw new InvalidOperationException($"BPF scratch word {k} at {pc - 1} is out of range");

    private static InvalidOperationException Bad(BpfInstruction insn, int pc) =>
        new($"unsupported BPF instruction 0x{insn.Code:x4} at {pc - 1}");
}
