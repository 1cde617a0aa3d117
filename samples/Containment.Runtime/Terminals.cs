using Containment.Oci;

namespace Containment.Runtime;

/// <summary>
/// process.terminal and --console-socket, as runc pairs them: a terminal goes to the manager's console socket (a
/// runtime that returns before its container ends has nowhere else to keep it), and a socket without a terminal
/// is a mistake.
/// </summary>
internal static class Terminals
{
    public static void Check(bool terminal, string? consoleSocket)
    {
        if (terminal && consoleSocket is null)
            throw new CliException("cannot allocate a terminal without --console-socket (process.terminal is true)");
        if (!terminal && consoleSocket is not null)
            throw new CliException("--console-socket given but process.terminal is false: no terminal to send");
    }

    /// <summary>Sends the container's pty master to the socket (the runtime's own copy closes with the container handle).</summary>
    public static void SendToConsoleSocket(ContainerProcess container, string? consoleSocket)
    {
        if (consoleSocket is null || container.Terminal is not { } terminal)
            return;
        try
        {
            ConsoleSocket.Send(consoleSocket, terminal.Handle);
        }
        catch (ContainmentException e)
        {
            throw new CliException(e.Message);
        }
    }
}
