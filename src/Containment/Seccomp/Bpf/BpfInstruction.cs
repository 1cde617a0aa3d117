using System.Buffers.Binary;

namespace Containment.Seccomp.Bpf;

/// <summary>One classic BPF instruction: the kernel's 8-byte <c>struct sock_filter</c>.</summary>
internal readonly record struct BpfInstruction(ushort Code, byte Jt, byte Jf, uint K)
{
    public const int Size = 8;

    public static BpfInstruction Stmt(ushort code, uint k) => new(code, 0, 0, k);

    public void Write(Span<byte> destination, bool bigEndian)
    {
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination, Code);
            BinaryPrimitives.WriteUInt32BigEndian(destination[4..], K);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(destination, Code);
            BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], K);
        }
        destination[2] = Jt;
        destination[3] = Jf;
    }

    public static BpfInstruction Read(ReadOnlySpan<byte> source, bool bigEndian) => bigEndian
        ? new(BinaryPrimitives.ReadUInt16BigEndian(source), source[2], source[3], BinaryPrimitives.ReadUInt32BigEndian(source[4..]))
        : new(BinaryPrimitives.ReadUInt16LittleEndian(source), source[2], source[3], BinaryPrimitives.ReadUInt32LittleEndian(source[4..]));

    public static BpfInstruction[] ReadProgram(ReadOnlySpan<byte> bytes, bool bigEndian = false)
    {
        if (bytes.Length % Size != 0)
            throw new ArgumentException($"a BPF program is a multiple of {Size} bytes, not {bytes.Length}", nameof(bytes));
        var program = new BpfInstruction[bytes.Length / Size];
        for (var i = 0; i < program.Length; i++)
            program[i] = Read(bytes.Slice(i * Size, Size), bigEndian);
        return program;
    }

    public override string ToString() => BpfDisassembler.Format(this);
}
