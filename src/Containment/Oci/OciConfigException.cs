namespace Containment.Oci;

/// <summary>
/// A config.json (or state file) could not be read or parsed. <see cref="JsonPath"/>, <see cref="Line"/>
/// and <see cref="Column"/> say where, when known.
/// </summary>
public sealed class OciConfigException : ContainmentException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The full message.</param>
    /// <param name="source">The file read, when there was one.</param>
    /// <param name="jsonPath">The field at fault, such as <c>linux.namespaces[1].type</c>.</param>
    /// <param name="line">The 1-based line.</param>
    /// <param name="column">The 1-based byte position in the line.</param>
    /// <param name="inner">The underlying error.</param>
    internal OciConfigException(string message, string? source, string? jsonPath, long? line, long? column, Exception? inner)
        : base(message, inner)
    {
        SourcePath = source;
        JsonPath = jsonPath;
        Line = line;
        Column = column;
    }

    /// <summary>The file read, when there was one.</summary>
    public string? SourcePath { get; }

    /// <summary>The field at fault, such as <c>linux.namespaces[1].type</c> (empty for the document itself).</summary>
    public string? JsonPath { get; }

    /// <summary>The 1-based line of the error.</summary>
    public long? Line { get; }

    /// <summary>The 1-based byte position of the error in its line.</summary>
    public long? Column { get; }
}
