using System.Text;

namespace Containment.Seccomp.Bpf;

/// <summary>Prints classic BPF in the style of <c>bpf_dbg</c>/<c>seccomp-tools</c>, for messages and debugging.</summary>
internal static class BpfDisassembler
{
    public static string Format(BpfInstruction i)
    {
        var c = i.Code;
        return Op.Class(c) switch
        {
            Op.Ld when c == (Op.Ld | Op.W | Op.Abs) => $"ld [{i.K}]",
            Op.Ld when Op.Mode(c) == Op.Imm => $"ld #0x{i.K:x}",
            Op.Ld when Op.Mode(c) == Op.Mem => $"ld M[{i.K}]",
            Op.Ldx when Op.Mode(c) == Op.Imm => $"ldx #0x{i.K:x}",
            Op.Ldx when Op.Mode(c) == Op.Mem => $"ldx M[{i.K}]",
            Op.St => $"st M[{i.K}]",
            Op.Stx => $"stx M[{i.K}]",
            Op.Alu => $"{AluName(c)} {(Op.Src(c) == Op.X ? "x" : $"#0x{i.K:x}")}",
            Op.Jmp when Op.AluOp(c) == Op.Ja => $"ja +{i.K}",
            Op.Jmp => $"{JumpName(c)} {(Op.Src(c) == Op.X ? "x" : $"#0x{i.K:x}")}, +{i.Jt}, +{i.Jf}",
            Op.Ret when Op.RetSrc(c) == Op.A => "ret a",
            Op.Ret => $"ret #0x{i.K:x8} ({SeccompReturn.Describe(i.K)})",
            Op.Misc when Op.MiscOp(c) == Op.Tax => "tax",
            Op.Misc => "txa",
            _ => $"0x{c:x4} {i.Jt} {i.Jf} 0x{i.K:x}",
        };
    }

    public static string Format(ReadOnlySpan<BpfInstruction> program)
    {
        var text = new StringBuilder();
        for (var pc = 0; pc < program.Length; pc++)
            text.Append(pc.ToString().PadLeft(4)).Append(": ").AppendLine(Format(program[pc]));
        return text.ToString();
    }

    private static string AluName(ushort c) => Op.AluOp(c) switch
    {
        Op.Add => "add", Op.Sub => "sub", Op.Mul => "mul", Op.Div => "div", Op.Or => "or", Op.And => "and",
        Op.Lsh => "lsh", Op.Rsh => "rsh", Op.Neg => "neg", Op.Mod => "mod", Op.Xor => "xor", _ => "alu?",
    };

    private static string JumpName(ushort c) => Op.AluOp(c) switch
    {
        Op.Jeq => "jeq", Op.Jgt => "jgt", Op.Jge => "jge", Op.Jset => "jset", _ => "j?",
    };
}
