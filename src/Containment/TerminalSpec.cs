namespace Containment;

/// <summary>
/// A pseudo-terminal for the container's process (OCI <c>process.terminal</c>): the process gets the terminal's
/// slave as its standard input, output and error and as its controlling terminal, allocated from the container's
/// own devpts; the host gets the master (<see cref="ContainerProcess.Terminal"/>). Immutable.
/// </summary>
/// <param name="Columns">The initial width in characters; 0 with <paramref name="Rows"/> 0 leaves the kernel's default (0×0).</param>
/// <param name="Rows">The initial height in characters.</param>
public sealed record TerminalSpec(ushort Columns = 0, ushort Rows = 0)
{
    /// <summary>A terminal of the kernel's default size (0×0, as runc leaves it when no size is given).</summary>
    public static TerminalSpec Default { get; } = new();

    /// <summary>Whether an initial size is set.</summary>
    public bool HasSize => Columns != 0 || Rows != 0;
}
