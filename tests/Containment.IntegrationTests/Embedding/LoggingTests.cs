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
}
