using System.Text.RegularExpressions;

namespace Containment.Oci;

/// <summary>Container ids: letters, digits, <c>_</c>, <c>+</c>, <c>-</c> and <c>.</c>, not <c>.</c> or
/// <c>..</c> (runc's rule), at most 255 characters (a directory name). An id is also a directory name in the state store.</summary>
internal static partial class ContainerId
{
    /// <summary>The longest id accepted.</summary>
    public const int MaxLength = 255;

    [GeneratedRegex(@"^[A-Za-z0-9_+\-.]+$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    /// <summary>Why <paramref name="id"/> is not a valid container id, or <c>null</c> when it is.</summary>
    public static string? Problem(string? id) => id switch
    {
        null or "" => "a container id must not be empty",
        "." or ".." => $"\"{id}\" is not a valid container id",
        { Length: > MaxLength } => $"a container id must be at most {MaxLength} characters",
        _ when !Pattern().IsMatch(id) =>
            $"invalid container id \"{id}\": only letters, digits, '_', '+', '-' and '.' are allowed",
        _ => null,
    };

    /// <summary>Whether <paramref name="id"/> is a valid container id.</summary>
    public static bool IsValid(string? id) => Problem(id) is null;

    /// <summary>Throws when <paramref name="id"/> is not a valid container id.</summary>
    /// <exception cref="ContainerStateException">The id is invalid.</exception>
    public static string Validate(string? id) =>
        Problem(id) is { } problem ? throw new ContainerStateException(problem) : id!;
}
