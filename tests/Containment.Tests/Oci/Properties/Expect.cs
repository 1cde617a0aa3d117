using Containment.Oci;

namespace Containment.Tests.Oci.Properties;

/// <summary>The outcomes a property accepts: a result, or one of the library's typed exceptions that says where.</summary>
internal static class Expect
{
    /// <summary>The parsed value, or null when parsing threw an <see cref="OciConfigException"/>
    /// (any other exception fails the property).</summary>
    public static T? ParsedOrRefused<T>(Func<T> parse) where T : class
    {
        try
        {
            return parse();
        }
        catch (OciConfigException e)
        {
            if (string.IsNullOrWhiteSpace(e.Message))
                throw new AssertionException("an OciConfigException without a message");
            return null;
        }
    }

    /// <summary>The result, or null when <paramref name="act"/> threw a <see cref="ContainerSpecException"/>
    /// listing at least one problem, each naming its field (a field of the input document: one under one of
    /// <paramref name="roots"/>, when given).</summary>
    public static T? DoneOrRefused<T>(Func<T> act, params string[] roots) where T : class
    {
        try
        {
            return act();
        }
        catch (ContainerSpecException e)
        {
            NamesEveryField(e.Errors);
            foreach (var error in e.Errors)
                if (roots.Length > 0 && !roots.Any(root => error.Field == root || error.Field.StartsWith(root + ".", StringComparison.Ordinal)
                        || error.Field.StartsWith(root + "[", StringComparison.Ordinal)))
                    throw new AssertionException($"'{error}' names no field under {string.Join(", ", roots)}");
            return null;
        }
    }

    /// <summary>Validation's answer: no problem, or problems that each name a field.</summary>
    public static void NamesEveryFieldOrNone(IReadOnlyList<SpecError> errors)
    {
        if (errors.Count > 0)
            NamesEveryField(errors);
    }

    public static void NamesEveryField(IReadOnlyList<SpecError> errors)
    {
        if (errors.Count == 0)
            throw new AssertionException("a ContainerSpecException listing no problem");
        foreach (var error in errors)
            if (string.IsNullOrWhiteSpace(error.Field) || string.IsNullOrWhiteSpace(error.Message))
                throw new AssertionException($"an error that names no field or says nothing: '{error.Field}': '{error.Message}'");
    }
}
