namespace Containment.Seccomp.Bpf;

/// <summary>Classic BPF opcode parts (include/uapi/linux/filter.h, bpf_common.h).</summary>
internal static class Op
{
    // Classes.
    public const ushort Ld = 0x00, Ldx = 0x01, St = 0x02, Stx = 0x03, Alu = 0x04, Jmp = 0x05, Ret = 0x06, Misc = 0x07;

    // Load size and mode.
    public const ushort W = 0x00, H = 0x08, B = 0x10;
    public const ushort Imm = 0x00, Abs = 0x20, Ind = 0x40, Mem = 0x60, Len = 0x80, Msh = 0xa0;

    // ALU and jump operations.
    public const ushort Add = 0x00, Sub = 0x10, Mul = 0x20, Div = 0x30, Or = 0x40, And = 0x50, Lsh = 0x60, Rsh = 0x70,
        Neg = 0x80, Mod = 0x90, Xor = 0xa0;
    public const ushort Ja = 0x00, Jeq = 0x10, Jgt = 0x20, Jge = 0x30, Jset = 0x40;

    // Sources and return values.
    public const ushort K = 0x00, X = 0x08, A = 0x10;

    // MISC.
    public const ushort Tax = 0x00, Txa = 0x80;

    public static ushort Class(ushort code) => (ushort)(code & 0x07);
    public static ushort Size(ushort code) => (ushort)(code & 0x18);
    public static ushort Mode(ushort code) => (ushort)(code & 0xe0);
    public static ushort AluOp(ushort code) => (ushort)(code & 0xf0);
    public static ushort Src(ushort code) => (ushort)(code & 0x08);
    public static ushort RetSrc(ushort code) => (ushort)(code & 0x18);
    public static ushort MiscOp(ushort code) => (ushort)(code & 0xf8);

    /// <summary>Scratch memory words (BPF_MEMWORDS).</summary>
    public const int MemWords = 16;

    /// <summary>The kernel's limit on a program's length (BPF_MAXINSNS).</summary>
    public const int MaxInstructions = 4096;
}
