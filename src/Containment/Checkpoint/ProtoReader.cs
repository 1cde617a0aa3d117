using System.Text;

namespace Containment.Checkpoint;

/// <summary>
/// Reads a protobuf message (proto2 wire format) field by field; fields this side does not know are skipped, so a newer
/// CRIU's additions do no harm.
/// </summary>
internal ref struct ProtoReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public int Field { get; private set; }
    private int _wireType;
    private ulong _varint;
    private ReadOnlySpan<byte> _bytes;

    /// <summary>Moves to the next field; false at the end of the message.</summary>
    /// <exception cref="InvalidDataException">The message is truncated or uses a wire type CRIU's messages never do.</exception>
    public bool Next()
    {
        if (_position >= _data.Length)
            return false;
        var tag = ReadVarint();
        Field = (int)(tag >> 3);
        _wireType = (int)(tag & 7);
        switch (_wireType)
        {
            case 0:
                _varint = ReadVarint();
                break;
            case 1:
                Skip(8);
                break;
            case 2:
                var length = ReadVarint();
                if (length > (ulong)(_data.Length - _position))
                    throw new InvalidDataException("a protobuf field runs past the end of the message");
                _bytes = _data.Slice(_position, (int)length);
                _position += (int)length;
                break;
            case 5:
                Skip(4);
                break;
            default:
                throw new InvalidDataException($"protobuf wire type {_wireType} is not supported");
        }
        return true;
    }

    public readonly int Int32 => unchecked((int)_varint);
    public readonly bool Bool => _varint != 0;
    public readonly string String => Encoding.UTF8.GetString(_bytes);
    public readonly ReadOnlySpan<byte> Bytes => _bytes;

    private void Skip(int count)
    {
        if (count > _data.Length - _position)
            throw new InvalidDataException("a protobuf field runs past the end of the message");
        _position += count;
    }

    private ulong ReadVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _data.Length)
                throw new InvalidDataException("a protobuf varint runs past the end of the message");
            var b = _data[_position++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
                return value;
        }
        throw new InvalidDataException("a protobuf varint is longer than ten bytes");
    }
}
