namespace Containment.Networking;

/// <summary>
/// A CNI plugin failed: it reported an error (<see cref="Code"/> and <see cref="CniMessage"/> as the CNI spec defines
/// them: 1 incompatible version, 2 unsupported field, 3 unknown container, 4 invalid environment, 5 I/O, 6 decoding,
/// 7 invalid network config, 11 try again later, 100+ the plugin's own), could not start, timed out, or printed
/// something that is not CNI.
/// </summary>
public sealed class CniException : ContainmentException
{
    internal CniException(string plugin, string command, uint code, string cniMessage, string? details)
        : base($"CNI plugin '{plugin}' {command} failed (code {code}): {cniMessage}{(string.IsNullOrEmpty(details) ? "" : $" ({details})")}")
    {
        Plugin = plugin;
        Command = command;
        Code = code;
        CniMessage = cniMessage;
        Details = details;
    }

    /// <summary>The plugin's <c>type</c>, e.g. <c>bridge</c>.</summary>
    public string Plugin { get; }

    /// <summary>ADD, DEL or CHECK.</summary>
    public string Command { get; }

    /// <summary>The CNI error code; 0 when the plugin gave none (it crashed, timed out or could not start).</summary>
    public uint Code { get; }

    /// <summary>The plugin's <c>msg</c>.</summary>
    public string CniMessage { get; }

    /// <summary>The plugin's <c>details</c>, or its standard error when it printed no CNI error.</summary>
    public string? Details { get; }
}
