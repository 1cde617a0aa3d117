using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Containment.Runtime;

/// <summary>
/// The runtime's log: errors go to stderr and, with <c>--log</c>, to a file in text or JSON lines (the form
/// containerd's shim and conmon read: <c>{"level":"error","msg":"...","time":"..."}</c>). As an <see cref="ILogger"/> it
/// takes the library's messages: warnings and errors as such, the rest as debug lines.
/// </summary>
internal sealed class Log(string? path, bool json, bool debug) : ILogger
{
    void ILogger.Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var message = formatter(state, exception);
        if (logLevel >= LogLevel.Error)
            Error(message);
        else if (logLevel == LogLevel.Warning)
            Warning(message);
        else
            Debug(message);
    }

    bool ILogger.IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning || debug;

    IDisposable? ILogger.BeginScope<TState>(TState state) => null;

    public void Error(string message)
    {
        Console.Error.WriteLine($"containment: {message}");
        Write("error", message);
    }

    public void Warning(string message)
    {
        Console.Error.WriteLine($"containment: warning: {message}");
        Write("warning", message);
    }

    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

    /// <summary>With --debug: the message, and how long after the runtime's start it was logged.</summary>
    public void Debug(string message)
    {
        if (debug)
            Write("debug", $"{message} (+{_clock.Elapsed.TotalMilliseconds:F2} ms)");
    }

    private void Write(string level, string message)
    {
        if (path is null)
            return;
        string line;
        if (json)
        {
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                w.WriteString("level", level);
                w.WriteString("msg", message);
                w.WriteString("time", DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ"));
                w.WriteEndObject();
            }
            line = Encoding.UTF8.GetString(buffer.ToArray());
        }
        else
            line = $"time=\"{DateTimeOffset.UtcNow:O}\" level={level} msg=\"{message.Replace("\"", "\\\"")}\"";
        try
        {
            File.AppendAllText(path, line + "\n");
        }
        catch (IOException)
        {
        }
    }
}
