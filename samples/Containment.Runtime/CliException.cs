namespace Containment.Runtime;

/// <summary>An error the CLI reports to its caller (a container manager shows the message to its user).</summary>
internal sealed class CliException(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
