using System.Buffers.Binary;
using System.Text;
using Containment.Launch;

namespace Containment.Preview;

/// <summary>Reads an encoded plan (<see cref="PlanWriter"/>'s format) back into its ops: the code and payload of each.</summary>
internal static class PlanDecoder
{
    public static IReadOnlyList<(PlanOp Op, byte[] Payload)> Decode(ReadOnlySpan<byte> plan)
    {
        if (plan.Length < 12 || BinaryPrimitives.ReadUInt32LittleEndian(plan) != PlanWriter.Magic)
            throw new FormatException("not an executor plan");
        var count = BinaryPrimitives.ReadUInt32LittleEndian(plan[8..]);
        var ops = new List<(PlanOp, byte[])>((int)count);
        var at = 12;
        for (var i = 0; i < count; i++)
        {
            var code = BinaryPrimitives.ReadUInt32LittleEndian(plan[at..]);
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(plan[(at + 4)..]);
            ops.Add(((PlanOp)code, plan.Slice(at + 8, length).ToArray()));
            at += 8 + length;
        }
        return ops;
    }
}

/// <summary>Reads one op's payload field by field, in the order <see cref="PlanWriter"/> wrote it.</summary>
internal ref struct PayloadReader(ReadOnlySpan<byte> payload)
{
    private ReadOnlySpan<byte> _rest = payload;

    public uint U32()
    {
        var v = BinaryPrimitives.ReadUInt32LittleEndian(_rest);
        _rest = _rest[4..];
        return v;
    }

    public int I32() => unchecked((int)U32());

    public ulong U64()
    {
        var v = BinaryPrimitives.ReadUInt64LittleEndian(_rest);
        _rest = _rest[8..];
        return v;
    }

    public string Str()
    {
        var length = (int)U32();
        var s = Encoding.UTF8.GetString(_rest[..(length - 1)]);
        _rest = _rest[length..];
        return s;
    }

    public string[] StrV()
    {
        var values = new string[U32()];
        for (var i = 0; i < values.Length; i++)
            values[i] = Str();
        return values;
    }
}
