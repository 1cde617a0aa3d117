using System.Diagnostics.CodeAnalysis;

namespace Containment.Identity;

/// <summary>A resource limit set before the container's program starts. <see cref="Unlimited"/> is <c>RLIM_INFINITY</c>.</summary>
/// <param name="Resource">The resource.</param>
/// <param name="Soft">The limit the kernel enforces, in the resource's unit (bytes, seconds of CPU, a count: see setrlimit(2)), or <see cref="Unlimited"/>.</param>
/// <param name="Hard">The ceiling of the soft limit, in the same unit. Raising it above the current hard limit needs <c>CAP_SYS_RESOURCE</c>.</param>
public sealed record Rlimit(ResourceLimit Resource, ulong Soft, ulong Hard)
{
    /// <summary><c>RLIM_INFINITY</c>.</summary>
    public const ulong Unlimited = ulong.MaxValue;

    /// <summary>The OCI name, e.g. <c>RLIMIT_NOFILE</c>.</summary>
    public static string Name(ResourceLimit resource) =>
        Enum.IsDefined(resource) ? "RLIMIT_" + resource.ToString().ToUpperInvariant() : $"rlimit {(int)resource}";

    /// <summary>Parses an OCI name (<c>RLIMIT_NOFILE</c>; case ignored, the prefix optional).</summary>
    public static bool TryParse(string name, [NotNullWhen(true)] out ResourceLimit? resource)
    {
        resource = null;
        var key = name.StartsWith("RLIMIT_", StringComparison.OrdinalIgnoreCase) ? name[7..] : name;
        if (key.Length == 0 || !key.All(char.IsAsciiLetter) || !Enum.TryParse<ResourceLimit>(key, ignoreCase: true, out var r))
            return false;
        resource = r;
        return true;
    }

    /// <summary>Parses <c>(name, soft, hard)</c> triples, e.g. from an OCI config or a command line.</summary>
    /// <exception cref="ContainerSpecException">Some names are not resource limits; each is listed.</exception>
    internal static IReadOnlyList<Rlimit> Parse(IEnumerable<(string Name, ulong Soft, ulong Hard)> limits, string field = "process.rlimits")
    {
        var result = new List<Rlimit>();
        var errors = new List<SpecError>();
        foreach (var (name, soft, hard) in limits)
        {
            if (TryParse(name, out var r))
                result.Add(new Rlimit(r.Value, soft, hard));
            else
                errors.Add(new SpecError(field, $"'{name}' is not a resource limit"));
        }
        if (errors.Count > 0)
            throw new ContainerSpecException(errors);
        return result;
    }

    /// <summary><c>RLIMIT_NOFILE=1024:4096</c>.</summary>
    public override string ToString() => $"{Name(Resource)}={Format(Soft)}:{Format(Hard)}";

    private static string Format(ulong v) => v == Unlimited ? "unlimited" : v.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
