using Microsoft.Extensions.Logging;

namespace Containment.Run;

/// <summary>
/// The library's warnings (and errors) on stderr, as <c>containment-run: warning: ...</c>: a limit that a rootless
/// host cannot enforce, a user namespace that maps the caller, a cleanup that failed. Information stays quiet.
/// </summary>
internal sealed class WarningLogger : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
            Console.Error.WriteLine($"containment-run: {(logLevel == LogLevel.Warning ? "warning" : "error")}: {formatter(state, exception)}");
    }
}
