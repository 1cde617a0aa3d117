using Containment.Mounts;

namespace Containment.Oci;

internal static partial class OciSpecConverter
{
    /// <summary>
    /// mounts[] one to one, in order, options strings included (the library parses them as runc does, unknown
    /// options going to the filesystem as data). The config's list replaces the library's standard mounts: a
    /// mount the config does not list is not made.
    /// </summary>
    private static ContainerSpec ConvertMounts(ContainerSpec spec, IReadOnlyList<OciMount> mounts, Action<string, string> refuse,
        Action<string, string> warn)
    {
        for (var i = 0; i < mounts.Count; i++)
            if (mounts[i].UidMappings is { Count: > 0 } || mounts[i].GidMappings is { Count: > 0 })
                refuse($"mounts[{i}].uidMappings", $"id-mapped mounts are not supported by this version ({mounts[i].Destination})");
        var dropped = new List<string>();
        var converted = new List<Mount>();
        for (var i = 0; i < mounts.Count; i++)
        {
            var mount = mounts[i];
            var options = (mount.Options ?? []).ToArray();
            var type = mount.Type ?? "";
            if (type == "bind" || options.Contains("bind") || options.Contains("rbind"))
                options = BindOptions(options, $"mounts[{i}] ({mount.Destination})", dropped);
            converted.Add(new Mount(mount.Destination, type, mount.Source ?? "", options));
        }
        if (dropped.Count > 0) // once for the whole config, as runc passes them to mount(2), which ignores data on a bind
            warn("mounts[].options", $"filesystem data does not apply to a bind mount: {string.Join("; ", dropped)}");
        return spec.WithMounts(m =>
        {
            m.Clear();
            foreach (var mount in converted)
                m.Add(mount);
        });
    }

    /// <summary>A bind's options without those that would go to the filesystem as data (<c>mode=755</c>, <c>size=1k</c>,
    /// names this version does not know): the kernel ignores data on a bind, and the library refuses it.</summary>
    private static string[] BindOptions(string[] options, string mount, List<string> dropped)
    {
        var kept = new List<string>();
        var data = new List<string>();
        foreach (var option in options)
        {
            var parsed = MountOptions.Parse([option]);
            if (parsed.Data.Count > 0 && parsed.Errors.Count == 0)
                data.Add(option);
            else
                kept.Add(option);
        }
        if (data.Count > 0)
            dropped.Add($"{mount} {string.Join(",", data)}");
        return [.. kept];
    }
}
