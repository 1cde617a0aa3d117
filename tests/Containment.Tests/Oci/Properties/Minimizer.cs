namespace Containment.Tests.Oci.Properties;

/// <summary>
/// Shrinks a document that breaks a property to one that still breaks it the same way, by deleting members and
/// items one at a time while the same exception type, thrown from the same method, comes back. CsCheck's own
/// shrinking works on the generator's choices; this works on the document, so a finding reads as a few lines.
/// </summary>
internal static class Minimizer
{
    public static JsonTree Minimize(JsonTree document, Action<JsonTree> property, Exception failure)
    {
        var signature = Signature(failure);
        var smallest = document;
        for (var changed = true; changed;)
        {
            changed = false;
            for (var node = Count(smallest) - 1; node >= 1; node--)
            {
                var candidate = new JsonMutation(node, MutationKind.Delete, JsonTree.Null).Apply(smallest);
                if (Signature(Run(property, candidate)) != signature) continue;
                smallest = candidate;
                changed = true;
            }
        }
        return smallest;
    }

    private static Exception? Run(Action<JsonTree> property, JsonTree document)
    {
        try
        {
            property(document);
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    /// <summary>The innermost exception's type and the method that threw it.</summary>
    private static string? Signature(Exception? e)
    {
        if (e is null) return null;
        while (e.InnerException is not null) e = e.InnerException;
        return $"{e.GetType().FullName} at {e.TargetSite?.DeclaringType?.FullName}.{e.TargetSite?.Name}";
    }

    public static int Count(JsonTree tree) => 1 + tree switch
    {
        JsonTree.Object o => o.Members.Sum(m => Count(m.Value)),
        JsonTree.Array a => a.Items.Sum(Count),
        _ => 0,
    };
}
