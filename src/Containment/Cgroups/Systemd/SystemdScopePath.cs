namespace Containment.Cgroups.Systemd;

/// <summary>
/// Where a container lives under the systemd driver: a transient scope unit in a slice, and the cgroup directory
/// systemd gives it. Parsed from an OCI <c>cgroupsPath</c> of the form <c>slice:prefix:name</c>, with runc's rules:
/// the unit is <c>prefix-name.scope</c>; an empty slice is <c>system.slice</c> (<c>user.slice</c> rootless); the slice
/// <c>-</c> (or <c>-.slice</c>) is the root slice; a slice <c>a-b-c.slice</c> is nested: <c>a.slice/a-b.slice/a-b-c.slice</c>.
/// </summary>
/// <param name="Slice">The slice unit (<c>machine.slice</c>, <c>-.slice</c> for the root).</param>
/// <param name="Unit">The scope unit (<c>libpod-abc.scope</c>).</param>
/// <param name="CgroupPath">The scope's cgroup relative to the cgroup2 mount, without leading slash (<c>machine.slice/libpod-abc.scope</c>).</param>
internal sealed record SystemdScopePath(string Slice, string Unit, string CgroupPath)
{
    /// <summary>The prefix of a container's scope when no <c>cgroupsPath</c> is given: <c>containment-&lt;id&gt;.scope</c>.</summary>
    public const string DefaultPrefix = "containment";

    /// <summary>Parses <paramref name="cgroupsPath"/> (null or empty: <c>:containment:&lt;id&gt;</c>).</summary>
    /// <exception cref="ContainerSpecException">The path is not <c>slice:prefix:name</c>, or names an invalid unit.</exception>
    public static SystemdScopePath Parse(string? cgroupsPath, string containerId, bool rootless)
    {
        string slice, prefix, name;
        if (string.IsNullOrEmpty(cgroupsPath))
            (slice, prefix, name) = ("", DefaultPrefix, containerId);
        else
        {
            var parts = cgroupsPath.Split(':');
            if (parts.Length != 3)
                throw Error($"'{cgroupsPath}' is not a systemd path: the systemd cgroup driver expects slice:prefix:name " +
                    "(e.g. machine.slice:libpod:abc, or kubepods-burstable-pod1234.slice:cri-containerd:abcd)");
            (slice, prefix, name) = (parts[0], parts[1], parts[2]);
        }
        if (slice.Length == 0) slice = rootless ? "user.slice" : "system.slice";
        if (slice == "-") slice = "-.slice";
        if (name.Length == 0)
            throw Error($"'{cgroupsPath}' has an empty name (slice:prefix:name)");
        if (name.EndsWith(".slice", StringComparison.Ordinal))
            throw Error($"'{cgroupsPath}' names a slice as the container's unit; the systemd driver puts a container in a scope (slice:prefix:name, name without .slice)");
        var unit = (prefix.Length == 0 ? name : prefix + "-" + name) + ".scope";
        if (!IsValidUnitName(unit))
            throw Error($"'{unit}' (from '{cgroupsPath ?? containerId}') is not a valid systemd unit name: at most 255 characters of letters, digits, ':', '-', '_', '.' and '\\'");
        var slicePath = ExpandSlice(slice) ?? throw Error(
            $"'{slice}' is not a valid slice: a name ending in .slice, without '/', and no empty part between dashes (a-b.slice, not a--b.slice or -a.slice)");
        return new SystemdScopePath(slice, unit, slicePath.Length == 0 ? unit : slicePath + "/" + unit);
    }

    /// <summary>The problems of <paramref name="cgroupsPath"/> as a systemd path (none for null: the default scope).</summary>
    public static IEnumerable<SpecError> Validate(string? cgroupsPath)
    {
        try
        {
            Parse(cgroupsPath, "validation", rootless: false);
        }
        catch (ContainerSpecException e)
        {
            return e.Errors;
        }
        return [];
    }

    /// <summary>
    /// The cgroup path of a slice relative to the mount, without leading slash (<c>a-b.slice</c> is
    /// <c>a.slice/a-b.slice</c>; <c>-.slice</c> is the root, ""); null when the name is not a valid slice.
    /// </summary>
    public static string? ExpandSlice(string slice)
    {
        const string suffix = ".slice";
        if (!slice.EndsWith(suffix, StringComparison.Ordinal) || slice.Length == suffix.Length || slice.Contains('/') || !IsValidUnitName(slice))
            return null;
        var stem = slice[..^suffix.Length];
        if (stem == "-") return "";
        var path = new List<string>();
        var prefix = "";
        foreach (var component in stem.Split('-'))
        {
            if (component.Length == 0) return null;
            path.Add(prefix + component + suffix);
            prefix += component + "-";
        }
        return string.Join('/', path);
    }

    /// <summary>systemd's unit name rule: 1-255 characters of <c>[A-Za-z0-9:_.\\-]</c>.</summary>
    internal static bool IsValidUnitName(string name) =>
        name.Length is > 0 and <= 255 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is ':' or '-' or '_' or '.' or '\\');

    private static ContainerSpecException Error(string message) => new([new SpecError("cgroupsPath", message)]);
}
