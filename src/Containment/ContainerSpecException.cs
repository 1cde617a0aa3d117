namespace Containment;

/// <summary>
/// A container description was rejected before anything was started. <see cref="Errors"/> lists every
/// problem found, not only the first.
/// </summary>
public sealed class ContainerSpecException : ContainmentException
{
    /// <summary>Creates the exception from the problems found.</summary>
    internal ContainerSpecException(IReadOnlyList<SpecError> errors)
        : base(Describe(errors)) => Errors = errors;

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<SpecError> Errors { get; }

    private static string Describe(IReadOnlyList<SpecError> errors) =>
        errors.Count == 1
            ? $"Invalid container spec: {errors[0]}"
            : $"Invalid container spec ({errors.Count} problems):" + string.Concat(errors.Select(e => "\n  " + e));
}
