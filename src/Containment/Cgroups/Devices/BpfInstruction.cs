namespace Containment.Cgroups.Devices;

/// <summary>One eBPF instruction (<c>struct bpf_insn</c>: opcode, dst/src registers, offset, immediate).</summary>
internal readonly record struct BpfInstruction(byte Code, byte Dst, byte Src, short Offset, int Imm)
{
    // Classes, operations and sources (linux/bpf_common.h, linux/bpf.h).
    public const byte LDX = 0x01, ALU = 0x04, JMP = 0x05, ALU64 = 0x07;
    public const byte W = 0x00, MEM = 0x60;
    public const byte K = 0x00, X = 0x08;
    public const byte AND = 0x50, RSH = 0x70, MOV = 0xb0;
    public const byte JA = 0x00, JEQ = 0x10, JNE = 0x50, EXIT = 0x90;

    /// <summary>dst = *(u32 *)(src + offset)</summary>
    public static BpfInstruction LoadWord(byte dst, byte src, short offset) => new(LDX | MEM | W, dst, src, offset, 0);

    /// <summary>32-bit dst = imm</summary>
    public static BpfInstruction Mov32(byte dst, int imm) => new(ALU | MOV | K, dst, 0, 0, imm);

    /// <summary>32-bit dst = src</summary>
    public static BpfInstruction Mov32Reg(byte dst, byte src) => new(ALU | MOV | X, dst, src, 0, 0);

    /// <summary>32-bit dst &amp;= imm</summary>
    public static BpfInstruction And32(byte dst, int imm) => new(ALU | AND | K, dst, 0, 0, imm);

    /// <summary>32-bit dst &gt;&gt;= imm</summary>
    public static BpfInstruction Rsh32(byte dst, int imm) => new(ALU | RSH | K, dst, 0, 0, imm);

    /// <summary>if (dst != imm) skip <paramref name="offset"/> instructions</summary>
    public static BpfInstruction JumpNotEqual(byte dst, int imm, short offset) => new(JMP | JNE | K, dst, 0, offset, imm);

    /// <summary>if (dst != src) skip <paramref name="offset"/> instructions</summary>
    public static BpfInstruction JumpNotEqualReg(byte dst, byte src, short offset) => new(JMP | JNE | X, dst, src, offset, 0);

    /// <summary>return r0</summary>
    public static BpfInstruction Exit() => new(JMP | EXIT, 0, 0, 0, 0);

    /// <summary>The 8-byte kernel encoding (little-endian).</summary>
    public void WriteTo(Span<byte> destination)
    {
        destination[0] = Code;
        destination[1] = (byte)((Src << 4) | (Dst & 0x0f));
        System.Buffers.Binary.BinaryPrimitives.WriteInt16LittleEndian(destination[2..], Offset);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(destination[4..], Imm);
    }

    /// <summary>The encoding of a whole program.</summary>
    public static byte[] Encode(IReadOnlyList<BpfInstruction> program)
    {
        var bytes = new byte[program.Count * 8];
        for (var i = 0; i < program.Count; i++) program[i].WriteTo(bytes.AsSpan(i * 8, 8));
        return bytes;
    }
}
