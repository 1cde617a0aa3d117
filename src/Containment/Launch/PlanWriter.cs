using System.Buffers.Binary;
using System.Text;

namespace Containment.Launch;

/// <summary>
/// Encodes a launch plan in the executor's format: a header (magic, version, op count), then each op
/// as (u32 code, u32 payload length, payload). Payload values are little-endian u32/u64, strings as
/// u32 length (including a trailing NUL) and bytes, string vectors as u32 count and strings.
/// </summary>
internal sealed class PlanWriter
{
    public const uint Magic = 0x4c505443, Version = 1;

    private readonly List<byte> _ops = new(1024);
    private int _count;
    private int _payloadStart = -1;

    public int Count => _count;

    public PlanWriter Begin(PlanOp op)
    {
        if (_payloadStart >= 0)
            throw new InvalidOperationException("The previous op was not ended.");
        U32((uint)op);
        U32(0); // payload length, patched by End
        _payloadStart = _ops.Count;
        return this;
    }

    public void End()
    {
        var length = _ops.Count - _payloadStart;
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)length);
        for (var i = 0; i < 4; i++)
            _ops[_payloadStart - 4 + i] = b[i];
        _payloadStart = -1;
        _count++;
    }

    public PlanWriter U32(uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        _ops.AddRange(b);
        return this;
    }

    public PlanWriter I32(int value) => U32(unchecked((uint)value));

    public PlanWriter U64(ulong value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, value);
        _ops.AddRange(b);
        return this;
    }

    public PlanWriter Str(string value)
    {
        if (value.Contains('\0'))
            throw new ArgumentException("A plan string cannot contain NUL.", nameof(value));
        var bytes = Encoding.UTF8.GetBytes(value);
        U32((uint)bytes.Length + 1);
        _ops.AddRange(bytes);
        _ops.Add(0);
        return this;
    }

    public PlanWriter StrV(IReadOnlyCollection<string> values)
    {
        U32((uint)values.Count);
        foreach (var v in values)
            Str(v);
        return this;
    }

    public PlanWriter Bytes(ReadOnlySpan<byte> bytes)
    {
        _ops.AddRange(bytes);
        return this;
    }

    public byte[] ToArray()
    {
        if (_payloadStart >= 0)
            throw new InvalidOperationException("The last op was not ended.");
        var result = new byte[12 + _ops.Count];
        BinaryPrimitives.WriteUInt32LittleEndian(result, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(4), Version);
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(8), (uint)_count);
        _ops.CopyTo(result, 12);
        return result;
    }
}
