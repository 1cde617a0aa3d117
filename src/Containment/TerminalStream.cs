using Containment.Interop;
using Microsoft.Win32.SafeHandles;

namespace Containment;

/// <summary>
/// A pty master as a stream, over a duplicate of its descriptor. Linux fails a master's read with EIO once no
/// slave is open any more; that is the end of the stream here, not an error.
/// </summary>
internal sealed class TerminalStream : Stream
{
    private readonly FileStream _inner;

    private TerminalStream(FileStream inner) => _inner = inner;

    public static TerminalStream Over(SafeFileHandle master)
    {
        var added = false;
        try
        {
            master.DangerousAddRef(ref added);
            var fd = Libc.Fcntl((int)master.DangerousGetHandle(), Libc.F_DUPFD_CLOEXEC, 3);
            if (fd < 0)
                throw SyscallException.FromLastError("fcntl(F_DUPFD_CLOEXEC)", "terminal master");
            return new TerminalStream(new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.ReadWrite, bufferSize: 0));
        }
        finally
        {
            if (added)
                master.DangerousRelease();
        }
    }

    public override bool CanRead => _inner.CanRead;
    public override bool CanWrite => _inner.CanWrite;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        try
        {
            return _inner.Read(buffer);
        }
        catch (IOException e) when (IsHangup(e))
        {
            return 0;
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e) when (IsHangup(e))
        {
            return 0;
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => _inner.Write(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> buffer) => _inner.Write(buffer);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        _inner.WriteAsync(buffer, cancellationToken);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _inner.Dispose();
        base.Dispose(disposing);
    }

    private static bool IsHangup(IOException e) => e.HResult == Errno.EIO;
}
