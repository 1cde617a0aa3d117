namespace Containment.Launch;

/// <summary>
/// The host's end of a container's output pipe, read in the background so that a caller who never reads it (or
/// reads only the other stream) cannot stall the container: until the caller's first read, up to a limit is
/// buffered and the rest is dropped (counted in <see cref="Dropped"/>). At the caller's first read the background
/// reader hands over: the caller gets what was buffered, then reads the pipe itself, with the pipe's own back-pressure
/// and no extra copy.
/// </summary>
internal sealed class DrainedPipeStream : Stream
{
    private const int ChunkSize = 64 * 1024;
    private readonly Stream _pipe;
    private readonly long _limit;
    private readonly Action<long>? _onFirstDrop;
    private readonly Lock _gate = new();
    private readonly Queue<byte[]> _chunks = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _drain;
    private TaskCompletionSource _data = NewSignal();
    private int _headOffset;
    private long _buffered;
    private bool _reading;
    private bool _handedOver;
    private bool _ended;
    private long _dropped;

    /// <param name="pipe">The host's end of the pipe.</param>
    /// <param name="limit">Bytes kept for a caller who has not begun to read.</param>
    /// <param name="onFirstDrop">Called once, with the limit, when output is first dropped (outside the lock).</param>
    public DrainedPipeStream(Stream pipe, long limit, Action<long>? onFirstDrop = null)
    {
        _pipe = pipe;
        _limit = Math.Max(limit, 1);
        _onFirstDrop = onFirstDrop;
        _drain = Task.Run(DrainAsync);
    }

    /// <summary>Bytes the container wrote while nobody read this stream and its buffer was full: lost.</summary>
    public long Dropped
    {
        get { lock (_gate) return _dropped; }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task DrainAsync()
    {
        var buffer = new byte[ChunkSize];
        try
        {
            while (true)
            {
                var n = await _pipe.ReadAsync(buffer, _stop.Token).ConfigureAwait(false);
                if (n == 0)
                    return;
                var firstDrop = false;
                lock (_gate)
                {
                    if (_reading || _buffered < _limit)
                    {
                        _chunks.Enqueue(buffer[..n]);
                        _buffered += n;
                    }
                    else
                    {
                        firstDrop = _dropped == 0;
                        _dropped += n;
                    }
                    if (_reading)
                    {
                        _handedOver = true; // the caller reads the pipe from here on
                        Signal(ref _data);
                        return;
                    }
                    Signal(ref _data);
                }
                if (firstDrop)
                    _onFirstDrop?.Invoke(_limit);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or IOException)
        {
        }
        finally
        {
            lock (_gate)
            {
                _ended = !_handedOver;
                Signal(ref _data);
            }
        }
    }

    private static void Signal(ref TaskCompletionSource signal)
    {
        var fired = signal;
        signal = NewSignal();
        fired.TrySetResult();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        if (destination.IsEmpty)
            return 0;
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                _reading = true;
                if (_chunks.Count > 0)
                {
                    var copied = 0;
                    while (copied < destination.Length && _chunks.TryPeek(out var head))
                    {
                        var n = Math.Min(head.Length - _headOffset, destination.Length - copied);
                        head.AsMemory(_headOffset, n).CopyTo(destination[copied..]);
                        copied += n;
                        _headOffset += n;
                        if (_headOffset == head.Length)
                        {
                            _chunks.Dequeue();
                            _headOffset = 0;
                        }
                    }
                    _buffered -= copied;
                    return copied;
                }
                if (_ended)
                    return 0;
                if (_handedOver)
                    break;
                wait = _data.Task;
            }
            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        return await _pipe.ReadAsync(destination, cancellationToken).ConfigureAwait(false);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override int Read(Span<byte> buffer)
    {
        var array = new byte[buffer.Length];
        var n = Read(array, 0, array.Length);
        array.AsSpan(0, n).CopyTo(buffer);
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_stop.IsCancellationRequested)
        {
            _stop.Cancel();
            _pipe.Dispose();
        }
        base.Dispose(disposing);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
