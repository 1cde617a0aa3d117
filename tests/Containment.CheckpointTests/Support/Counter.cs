namespace Containment.CheckpointTests.Support;

/// <summary>Reads the numbers a counting container prints, one a line, in the background.</summary>
public sealed class Counter
{
    private readonly List<long> _numbers = [];

    public Counter(StreamReader output) => Completion = Task.Run(async () =>
    {
        while (await output.ReadLineAsync() is { } line)
            if (long.TryParse(line.Trim(), out var n))
                lock (_numbers)
                    _numbers.Add(n);
    });

    /// <summary>Ends when the stream does (the container exited).</summary>
    public Task Completion { get; }

    public IReadOnlyList<long> Numbers
    {
        get
        {
            lock (_numbers)
                return [.. _numbers];
        }
    }

    public async Task WaitForAsync(int count)
    {
        var deadline = DateTime.UtcNow + Checkpoints.Timeout;
        while (Numbers.Count < count)
        {
            if (Completion.IsCompleted)
                Assert.Fail($"the output ended after {Numbers.Count} numbers");
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"only {Numbers.Count} numbers within {Checkpoints.Timeout}");
            await Task.Delay(50);
        }
    }
}
