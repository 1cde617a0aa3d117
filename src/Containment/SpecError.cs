namespace Containment;

/// <summary>One problem found while validating a container description.</summary>
/// <param name="Field">The field at fault, as a path (for example <c>process.args</c> or <c>mounts[2].destination</c>).</param>
/// <param name="Message">What is wrong with it.</param>
public sealed record SpecError(string Field, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Field}: {Message}";
}
