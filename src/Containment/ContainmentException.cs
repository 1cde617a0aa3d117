namespace Containment;

/// <summary>The base of every error Containment raises.</summary>
public class ContainmentException : Exception
{
    /// <summary>Creates an exception with a message.</summary>
    public ContainmentException(string message) : base(message) { }

    /// <summary>Creates an exception with a message and the error that caused it.</summary>
    public ContainmentException(string message, Exception? inner) : base(message, inner) { }
}
