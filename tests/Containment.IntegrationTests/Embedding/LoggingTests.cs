using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Containment.IntegrationTests.Embedding;

/// <summary>Issue 15, trap 9: lifecycle at Information with event ids, categories per area, a readable Debug.</summary>
public class LoggingTests
{
    private sealed record Entry(string Category, LogLevel Level, EventId Id, string Message);

    private sealed class ListLoggerFactory : ILoggerFactory
    {
        public List<Entry> Entries { get; } = [];

        public ILogger CreateLogger(string categoryName) => new ListLogger(this, categoryName);

        public void AddProvider(ILoggerProvider provider) { }

        public void Dispose() { }

        private sealed class ListLogger(ListLoggerFactory owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (owner.Entries)
                    owner.Entries.Add(new Entry(category, logLevel, eventId, formatter(state, exception)));
            }
        }
    }

    [Test]
    public async Task Start_and_exit_are_logged_at_Information_with_their_ids_under_the_container_category()
    {
        var factory = new ListLoggerFactory();
        var id = "containment-test-api-log-" + Guid.NewGuid().ToString("N")[..6];
        var spec = ContainerSpec.HostReadOnly().WithCgroup(c => c.PidsMax(16)).WithProcess(p => p.Args("/bin/sh", "-c", "exit 2"));
        var result = await ContainerProcess.RunAsync(spec, new ContainerRunOptions { Start = new ContainerStartOptions { Id = id, LoggerFactory = factory } });
        Assert.That(result.Exit.ExitCode, Is.EqualTo(2));
        var info = factory.Entries.Where(e => e.Level == LogLevel.Information && e.Category == "Containment.Container").ToList();
        var started = info.Single(e => e.Id == LogEvents.Started);
        Assert.That(started.Message, Does.Match($@"^Container {id} started: pid \d+ in [0-9.]+ ms$"));
        var exited = info.Single(e => e.Id == LogEvents.Exited);
        Assert.That(exited.Message, Does.StartWith($"Container {id} (pid ").And.Contain("exited with code 2 after"));
        Assert.That(factory.Entries.Where(e => e.Category == "Containment.Cgroups"), Is.Not.Empty, "cgroup events come under their own category");
    }

    [Test]
    public async Task Debug_does_not_repeat_syscall_lists_at_every_start()
    {
        var factory = new ListLoggerFactory();
        for (var i = 0; i < 2; i++)
            await ContainerProcess.RunAsync(ContainerSpec.HostReadOnly().WithProcess(p => p.Args("true")),
                new ContainerRunOptions { Start = new ContainerStartOptions { LoggerFactory = factory } });
        var debug = factory.Entries.Where(e => e.Level >= LogLevel.Debug).Select(e => e.Message).ToList();
        Assert.That(debug.Where(m => m.Length > 300), Is.Empty, "no long lists at Debug:\n" + string.Join("\n", debug));
    }

    private static async Task<Entry> LoggedAsync(ListLoggerFactory factory, EventId id)
    {
        // The drain task logs on its own thread: wait for it (bounded), never for a time.
        for (var i = 0; i < 200; i++)
        {
            lock (factory.Entries)
                if (factory.Entries.FirstOrDefault(e => e.Id == id) is { } entry)
                    return entry;
            await Task.Delay(50);
        }
        lock (factory.Entries)
            Assert.Fail($"no {id.Name} event; logged:\n" + string.Join("\n", factory.Entries.Select(e => $"{e.Id.Name}: {e.Message}")));
        throw new UnreachableException();
    }

    [Test]
    public async Task Output_nobody_reads_past_the_unread_limit_is_logged_as_dropped()
    {
        var factory = new ListLoggerFactory();
        var spec = ContainerSpec.HostReadOnly().WithProcess(p => p.Args("/bin/sh", "-c", "head -c 300000 /dev/zero"));
        await using var container = await ContainerProcess.StartAsync(spec, new ContainerStartOptions { LoggerFactory = factory, UnreadOutputLimit = 4096 });
        var exit = await container.WaitForExitAsync();
        Assert.That(exit.ExitCode, Is.Zero, "300 KB into an unread pipe must not stall the container");
        var dropped = await LoggedAsync(factory, LogEvents.OutputDropped);
        Assert.That(dropped.Level, Is.EqualTo(LogLevel.Warning));
        Assert.That(dropped.Category, Is.EqualTo("Containment.Container"));
        Assert.That(dropped.Message, Does.Contain(container.Id).And.Contain("stdout").And.Contain("4096 bytes"));
        lock (factory.Entries)
            Assert.That(factory.Entries.Count(e => e.Id == LogEvents.OutputDropped), Is.EqualTo(1), "logged once per stream, not per chunk");
    }

    [Test]
    public async Task StopAsync_logs_Stopped_with_how_the_container_ended()
    {
        var factory = new ListLoggerFactory();
        // A PID 1 shell with a TERM handler: SIGTERM ends it within the grace period.
        var spec = ContainerSpec.HostReadOnly().WithProcess(p => p.Args("/bin/sh", "-c", "trap 'exit 7' TERM; echo ready; while :; do sleep 0.1; done"));
        await using var container = await ContainerProcess.StartAsync(spec, new ContainerStartOptions { LoggerFactory = factory });
        Assert.That(await container.StandardOutput!.ReadLineAsync(), Is.EqualTo("ready"));
        var exit = await container.StopAsync(TimeSpan.FromMinutes(1));
        Assert.That(exit.ExitCode, Is.EqualTo(7));
        var stopped = await LoggedAsync(factory, LogEvents.Stopped);
        Assert.That(stopped.Level, Is.EqualTo(LogLevel.Information));
        Assert.That(stopped.Message, Does.StartWith($"Container {container.Id} (pid {container.Pid}) stopped by its host: SIGTERM"));
    }

    [Test]
    public async Task StopAsync_without_grace_logs_Stopped_as_a_kill()
    {
        var factory = new ListLoggerFactory();
        var spec = ContainerSpec.HostReadOnly().WithProcess(p => p.Args("/bin/sleep", "100"));
        await using var container = await ContainerProcess.StartAsync(spec, new ContainerStartOptions { LoggerFactory = factory });
        var exit = await container.StopAsync(TimeSpan.Zero);
        Assert.That(exit.Signal, Is.EqualTo(Signal.Kill));
        var stopped = await LoggedAsync(factory, LogEvents.Stopped);
        Assert.That(stopped.Message, Does.Contain("stopped by its host: SIGKILL"));
    }
}
