using Containment.Mounts;

namespace Containment.Oci;

public static partial class OciSpecConverter
{
    /// <summary>
    /// mounts[] one to one, in order, options strings included (the library parses them as runc does, unknown
    /// options going to the filesystem as data). The config's list replaces the library's standard mounts: a
    /// mount the config does not list is not made.
    /// </summary>
    private static ContainerSpec ConvertMounts(ContainerSpec spec, IReadOnlyList<OciMount> mounts, Action<string, string> refuse)
    {
        for (var i = 0; i < mounts.Count; i++)
            if (mounts[i].UidMappings is { Count: > 0 } || mounts[i].GidMappings is { Count: > 0 })
                refuse($"mounts[{i}].uidMappings", $"id-mapped mounts are not supported by this version ({mounts[i].Destination})");
        return spec.WithMounts(m =>
        {
            m.Clear();
            foreach (var mount in mounts)
                m.Add(new Mount(mount.Destination, mount.Type ?? "", mount.Source ?? "", (mount.Options ?? []).ToArray()));
        });
    }
}
