using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Containment.Cgroups;
using Containment.Oci;

namespace Containment.Runtime.Commands;

/// <summary>
/// <c>events [--stats] [--interval 5s] ID</c>: with --stats, one statistics event; otherwise a statistics event
/// every interval and an <c>oom</c> event each time the container runs out of memory, one JSON object per line
/// (runc's shapes), until the container stops.
/// </summary>
internal static class EventsCommand
{
    public static async Task<int> RunAsync(Runtime runtime, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var a = Args.Parse(args, ["interval"], ["stats"]);
        var id = a.Id("events");
        var interval = ParseInterval(a.Value("interval") ?? "5s");
        var record = runtime.Load(id);
        if (Runtime.StatusOf(record) is OciStatus.Stopped)
            throw new CliException($"container \"{id}\" is stopped");
        using var cgroup = ContainerOps.OpenCgroup(runtime, record);
        if (a.Has("stats"))
        {
            Write(new RuntimeEvent("stats", id, RuntimeStats.From(cgroup.GetStats())));
            return 0;
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var events = Channel.CreateUnbounded<RuntimeEvent>();
        var pumps = new[]
        {
            Pump(cgroup.WatchStatsAsync(interval, stop.Token), s => new RuntimeEvent("stats", id, RuntimeStats.From(s)), events.Writer, stop.Token),
            Pump(cgroup.WatchOomAsync(stop.Token), _ => new RuntimeEvent("oom", id, null), events.Writer, stop.Token),
            WatchStopped(record, stop),
        };
        _ = Task.WhenAll(pumps).ContinueWith(_ => events.Writer.TryComplete(), TaskScheduler.Default);
        try
        {
            await foreach (var e in events.Reader.ReadAllAsync(stop.Token))
                Write(e);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The container stopped.
        }
        return 0;
    }

    private static async Task Pump<T>(IAsyncEnumerable<T> source, Func<T, RuntimeEvent> map, ChannelWriter<RuntimeEvent> writer, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var item in source.WithCancellation(cancellationToken))
                await writer.WriteAsync(map(item), cancellationToken);
        }
        catch (Exception e) when (e is OperationCanceledException or CgroupException or IOException)
        {
            // Cancelled, the cgroup went away with the container, or it has no memory controller (no OOM events).
        }
    }

    /// <summary>Ends the stream once the container's init is gone (woken by its pidfd, on a pool thread).</summary>
    private static Task WatchStopped(ContainerRecord record, CancellationTokenSource stop) => Task.Run(async () =>
    {
        while (!stop.IsCancellationRequested && Runtime.StatusOf(record) is not OciStatus.Stopped)
            Interop.WaitUntilExited(record.Pid, 500);
        await stop.CancelAsync();
    });

    private static TimeSpan ParseInterval(string text)
    {
        var units = new (string Suffix, double Seconds)[] { ("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600) };
        foreach (var (suffix, seconds) in units)
            if (text.EndsWith(suffix, StringComparison.Ordinal) && double.TryParse(text[..^suffix.Length], System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0)
                return TimeSpan.FromSeconds(n * seconds);
        throw new CliException($"--interval {text}: expected a duration such as 500ms, 5s or 1m");
    }

    private static void Write(RuntimeEvent e) => Console.WriteLine(JsonSerializer.Serialize(e, EventsJsonContext.Default.RuntimeEvent));
}

/// <summary>One line of <c>events</c>: runc's <c>{"type", "id", "data"}</c>.</summary>
internal sealed record RuntimeEvent(string Type, string Id, RuntimeStats? Data);

/// <summary>The statistics runc reports, in its field names; times in nanoseconds, sizes in bytes.</summary>
internal sealed record RuntimeStats(RuntimeStats.CpuData? Cpu, RuntimeStats.MemoryData? Memory, RuntimeStats.PidsData? Pids)
{
    public static RuntimeStats From(CgroupStats s) => new(
        s.Cpu is { } c ? new CpuData(new CpuUsage(Ns(c.Usage), c.System is { } k ? Ns(k) : 0, c.User is { } u ? Ns(u) : 0),
            new Throttling(c.Periods, c.ThrottledPeriods, Ns(c.Throttled))) : null,
        s.Memory is { } m ? new MemoryData(new MemoryUsage(m.Limit ?? 0, m.Usage, m.Peak ?? 0, m.FailCount)) : null,
        s.Pids is { } p ? new PidsData(p.Current, p.Limit ?? 0) : null);

    private static long Ns(TimeSpan t) => t.Ticks * 100;

    internal sealed record CpuData(CpuUsage Usage, Throttling Throttling);
    internal sealed record CpuUsage(long Total, long Kernel, long User);
    internal sealed record Throttling(long Periods, [property: JsonPropertyName("throttled_periods")] long ThrottledPeriods, [property: JsonPropertyName("throttled_time")] long ThrottledTime);
    internal sealed record MemoryData(MemoryUsage Usage);
    internal sealed record MemoryUsage(long Limit, long Usage, long Max, [property: JsonPropertyName("failcnt")] long FailCount);
    internal sealed record PidsData(long Current, long Limit);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RuntimeEvent))]
internal sealed partial class EventsJsonContext : JsonSerializerContext;
