using System.Buffers.Binary;

namespace Containment.Seccomp.Bpf;

/// <summary>The kernel's <c>struct seccomp_data</c>, the input of a seccomp filter (64 bytes).</summary>
internal sealed class SeccompData
{
    public const int Size = 64;
    public const uint NrOffset = 0, ArchOffset = 4, InstructionPointerOffset = 8, ArgsOffset = 16;

    public SeccompData(uint nr, uint arch, IReadOnlyList<ulong>? args = null, ulong instructionPointer = 0)
    {
        Nr = nr;
        Arch = arch;
        InstructionPointer = instructionPointer;
        for (var i = 0; i < 6 && args is not null && i < args.Count; i++)
            Args[i] = args[i];
    }

    public uint Nr { get; }
    public uint Arch { get; }
    public ulong InstructionPointer { get; }
    public ulong[] Args { get; } = new ulong[6];

    /// <summary>The bytes as the kernel lays them out on a machine of this byte order.</summary>
    public byte[] ToBytes(bool bigEndian)
    {
        var bytes = new byte[Size];
        var span = bytes.AsSpan();
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt32BigEndian(span, Nr);
            BinaryPrimitives.WriteUInt32BigEndian(span[4..], Arch);
            BinaryPrimitives.WriteUInt64BigEndian(span[8..], InstructionPointer);
            for (var i = 0; i < 6; i++)
                BinaryPrimitives.WriteUInt64BigEndian(span[(16 + 8 * i)..], Args[i]);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(span, Nr);
            BinaryPrimitives.WriteUInt32LittleEndian(span[4..], Arch);
            BinaryPrimitives.WriteUInt64LittleEndian(span[8..], InstructionPointer);
            for (var i = 0; i < 6; i++)
                BinaryPrimitives.WriteUInt64LittleEndian(span[(16 + 8 * i)..], Args[i]);
        }
        return bytes;
    }

    /// <summary>The offset of the low or high 32-bit half of argument <paramref name="index"/>.</summary>
    public static uint ArgOffset(int index, bool high, bool bigEndian) =>
        ArgsOffset + 8 * (uint)index + (high != bigEndian ? 4u : 0u);
}
