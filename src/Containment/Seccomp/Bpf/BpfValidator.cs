namespace Containment.Seccomp.Bpf;

/// <summary>
/// The checks the kernel makes before accepting a seccomp program (net/core/filter.c bpf_check_classic and
/// kernel/seccomp.c seccomp_check_filter): length, known opcodes, in-range forward jumps, aligned loads inside
/// seccomp_data, scratch words, a return at the end.
/// </summary>
internal static class BpfValidator
{
    public static IReadOnlyList<string> Check(ReadOnlySpan<BpfInstruction> program)
    {
        var problems = new List<string>();
        if (program.Length is 0 or > Op.MaxInstructions)
            problems.Add($"program has {program.Length} instructions; the kernel accepts 1..{Op.MaxInstructions}");
        for (var pc = 0; pc < program.Length; pc++)
        {
            var insn = program[pc];
            var code = insn.Code;
            switch (Op.Class(code))
            {
                case Op.Ld:
                    if (code == (Op.Ld | Op.W | Op.Abs))
                    {
                        if (insn.K % 4 != 0 || insn.K >= SeccompData.Size)
                            problems.Add($"{pc}: load of offset {insn.K} is not an aligned word of seccomp_data");
                    }
                    else if (code is not ((Op.Ld | Op.Imm) or (Op.Ld | Op.Mem) or (Op.Ld | Op.W | Op.Len)))
                        problems.Add($"{pc}: load 0x{code:x4} is not allowed in seccomp");
                    else if (code == (Op.Ld | Op.Mem) && insn.K >= Op.MemWords)
                        problems.Add($"{pc}: scratch word {insn.K} out of range");
                    break;
                case Op.Ldx:
                    if (code is not ((Op.Ldx | Op.Imm) or (Op.Ldx | Op.Mem) or (Op.Ldx | Op.W | Op.Len)))
                        problems.Add($"{pc}: load 0x{code:x4} is not allowed in seccomp");
                    else if (code == (Op.Ldx | Op.Mem) && insn.K >= Op.MemWords)
                        problems.Add($"{pc}: scratch word {insn.K} out of range");
                    break;
                case Op.St or Op.Stx:
                    if (insn.K >= Op.MemWords)
                        problems.Add($"{pc}: scratch word {insn.K} out of range");
                    break;
                case Op.Alu:
                    if (Op.AluOp(code) > Op.Xor)
                        problems.Add($"{pc}: unknown ALU operation 0x{code:x4}");
                    else if (Op.AluOp(code) is Op.Div or Op.Mod && Op.Src(code) == Op.K && insn.K == 0)
                        problems.Add($"{pc}: division by constant 0");
                    break;
                case Op.Jmp:
                    if (Op.AluOp(code) == Op.Ja)
                    {
                        if ((ulong)pc + 1 + insn.K >= (ulong)program.Length)
                            problems.Add($"{pc}: ja {insn.K} jumps past the end");
                    }
                    else if (Op.AluOp(code) > Op.Jset)
                        problems.Add($"{pc}: unknown jump 0x{code:x4}");
                    else if (pc + 1 + insn.Jt >= program.Length || pc + 1 + insn.Jf >= program.Length)
                        problems.Add($"{pc}: conditional jump ({insn.Jt}, {insn.Jf}) goes past the end");
                    break;
                case Op.Ret:
                    if (Op.RetSrc(code) is not (Op.K or Op.A))
                        problems.Add($"{pc}: return 0x{code:x4} is not allowed");
                    break;
                case Op.Misc:
                    if (Op.MiscOp(code) is not (Op.Tax or Op.Txa))
                        problems.Add($"{pc}: unknown MISC 0x{code:x4}");
                    break;
            }
        }
        if (program.Length > 0 && Op.Class(program[^1].Code) != Op.Ret)
            problems.Add($"{program.Length - 1}: the last instruction is not a return");
        return problems;
    }
}
