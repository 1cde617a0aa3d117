using System.Text;

namespace Containment.Checkpoint;

/// <summary>
/// The protobuf wire format (proto2), writing only what CRIU's RPC requests use: varints (int32, uint32, bool, enums),
/// strings and embedded messages. See docs/checkpoint.md for why this is hand-written rather than Google.Protobuf.
/// </summary>
internal sealed class ProtoWriter
{
    private const int Varint = 0, LengthDelimited = 2;
    private readonly MemoryStream _buffer = new();

    public byte[] ToArray() => _buffer.ToArray();

    /// <summary>An int32 or enum field: negative values are sign-extended to ten bytes, as protobuf does.</summary>
    public ProtoWriter Int(int field, int value)
    {
        Tag(field, Varint);
        WriteVarint(unchecked((ulong)(long)value));
        return this;
    }

    public ProtoWriter UInt(int field, uint value)
    {
        Tag(field, Varint);
        WriteVarint(value);
        return this;
    }

    public ProtoWriter Bool(int field, bool value) => UInt(field, value ? 1u : 0u);

    /// <summary>Writes the field only when it is true (an absent optional bool is false for CRIU).</summary>
    public ProtoWriter Flag(int field, bool value) => value ? Bool(field, true) : this;

    public ProtoWriter String(int field, string? value)
    {
        if (value is null)
            return this;
        return Bytes(field, Encoding.UTF8.GetBytes(value));
    }

    public ProtoWriter Message(int field, ProtoWriter message) => Bytes(field, message.ToArray());

    private ProtoWriter Bytes(int field, byte[] bytes)
    {
        Tag(field, LengthDelimited);
        WriteVarint((ulong)bytes.Length);
        _buffer.Write(bytes);
        return this;
    }

    private void Tag(int field, int wireType) => WriteVarint((ulong)((field << 3) | wireType));

    private void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        _buffer.WriteByte((byte)value);
    }
}
