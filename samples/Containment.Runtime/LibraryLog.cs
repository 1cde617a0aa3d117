using Microsoft.Extensions.Logging;

namespace Containment.Runtime;

/// <summary>
/// The library's log into the runtime's: warnings and errors to stderr and the --log file (a rootless limit that
/// cannot be enforced, a user namespace that maps the caller), the rest as debug lines with --debug.
/// </summary>
internal sealed class LibraryLog(Log log) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var message = formatter(state, exception);
        if (logLevel >= LogLevel.Error)
            log.Error(message);
        else if (logLevel == LogLevel.Warning)
            log.Warning(message);
        else
            log.Debug(message);
    }
}
