using Containment.Oci;

namespace Containment.Runtime;

/// <summary>
/// process.terminal and --console-socket, as runc pairs them: a terminal goes to the manager's console socket (a
/// runtime that returns before its container ends has nowhere else to keep it) or, for a foreground run or exec
/// without one, is relayed to the runtime's own stdio; a socket without a terminal is a mistake.
/// </summary>
internal static class Terminals
{
    public static void Check(bool terminal, string? consoleSocket, bool foreground)
    {
        if (terminal && consoleSocket is null && !foreground)
            throw new CliException("cannot allocate a terminal without --console-socket (process.terminal is true) unless run in the foreground");
        if (!terminal && consoleSocket is not null)
            throw new CliException("--console-socket given but process.terminal is false: no terminal to send");
    }

    /// <summary>
    /// Sends the container's pty master to the socket (the runtime's own copy closes with the container handle); without
    /// a socket, returns a copy of the master to relay in the foreground.
    /// </summary>
    public static Microsoft.Win32.SafeHandles.SafeFileHandle? SendToConsoleSocket(ContainerProcess container, string? consoleSocket)
    {
        if (container.Terminal is not { } terminal)
            return null;
        if (consoleSocket is null)
            return TerminalRelay.Keep(terminal);
        try
        {
            ConsoleSocket.Send(consoleSocket, terminal.Handle);
            return null;
        }
        catch (ContainmentException e)
        {
            throw new CliException(e.Message);
        }
    }
}
