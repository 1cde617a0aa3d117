using Containment.Capabilities;
using Containment.Namespaces;

namespace Containment.Identity;

/// <summary>Checks the identity and privilege parts of a spec: id mappings, user, capabilities, rlimits, sysctls, clocks.</summary>
internal static class IdentityValidator
{
    /// <summary>The kernel reads at most this many lines from one id map.</summary>
    public const int MaxMapLines = 340;

    public static IEnumerable<SpecError> Validate(ContainerSpec spec) => Validate(spec, KernelCapabilities.LastCap);

    public static IEnumerable<SpecError> Validate(ContainerSpec spec, int lastCap)
    {
        var errors = new List<SpecError>();
        var user = spec.Process.User;
        var userns = spec.UserNamespace;
        if (spec.Namespaces.IsNew(NamespaceKind.User))
        {
            if (userns is null)
                errors.Add(new("namespaces.user", "a new user namespace needs id mappings: use WithUserNamespace"));
            else
            {
                ValidateMap(userns.UidMappings, "userNamespace.uidMappings", "uid", errors);
                ValidateMap(userns.GidMappings, "userNamespace.gidMappings", "gid", errors);
                if (!userns.MapsUid(0) && userns.UidMappings.Length > 0)
                    errors.Add(new("userNamespace.uidMappings", "container uid 0 must be mapped: the container is set up as root inside its user namespace"));
                if (!userns.MapsGid(0) && userns.GidMappings.Length > 0)
                    errors.Add(new("userNamespace.gidMappings", "container gid 0 must be mapped: the container is set up as root inside its user namespace"));
                if (!userns.MapsUid(user.Uid))
                    errors.Add(new("process.user.uid", $"uid {user.Uid} is not mapped in the container's user namespace"));
                if (!userns.MapsGid(user.Gid))
                    errors.Add(new("process.user.gid", $"gid {user.Gid} is not mapped in the container's user namespace"));
                foreach (var g in user.AdditionalGids.Where(g => !userns.MapsGid(g)))
                    errors.Add(new("process.user.additionalGids", $"gid {g} is not mapped in the container's user namespace"));
            }
        }
        else if (userns is not null)
            errors.Add(new("userNamespace", "id mappings are set but the container has no new user namespace"));

        if (user.Uid == uint.MaxValue)
            errors.Add(new("process.user.uid", "4294967295 is not a valid uid"));
        if (user.Gid == uint.MaxValue || user.AdditionalGids.Contains(uint.MaxValue))
            errors.Add(new("process.user.gid", "4294967295 is not a valid gid"));
        if (user.AdditionalGids.Length > 65536)
            errors.Add(new("process.user.additionalGids", "more than 65536 supplementary groups"));
        if (spec.Process.Umask > 0x1ff)
            errors.Add(new("process.user.umask", $"{Convert.ToString(spec.Process.Umask, 8)} is not a mode mask (0 … 0777)"));

        errors.AddRange(spec.Process.Capabilities.Validate("process.capabilities", lastCap));
        ValidateRlimits(spec.Process.Rlimits, errors);
        if (spec.Process.OomScoreAdj is { } oom && oom is < -1000 or > 1000)
            errors.Add(new("process.oomScoreAdj", $"{oom} is outside -1000 … 1000"));

        foreach (var (key, value) in spec.Sysctls)
            errors.AddRange(Sysctls.Validate(key, value, spec.Namespaces));
        if (spec.Personality is { } p && !Enum.IsDefined(p))
            errors.Add(new("personality", $"0x{(int)p:x} is not a supported personality (LINUX, LINUX32)"));
        if (spec.TimeOffsets is not null && !spec.Namespaces.IsNew(NamespaceKind.Time))
            errors.Add(new("timeOffsets", "clock offsets need a new time namespace"));
        return errors;
    }

    private static void ValidateMap(IReadOnlyList<IdMapping> map, string field, string what, List<SpecError> errors)
    {
        if (map.Count == 0)
            errors.Add(new(field, $"a new user namespace needs at least one {what} mapping"));
        if (map.Count > MaxMapLines)
            errors.Add(new(field, $"{map.Count} lines; the kernel accepts at most {MaxMapLines}"));
        for (var i = 0; i < map.Count; i++)
        {
            var m = map[i];
            if (m.Size == 0)
                errors.Add(new($"{field}[{i}]", $"'{m}' maps no ids (size 0)"));
            else if ((ulong)m.ContainerId + m.Size > uint.MaxValue || (ulong)m.HostId + m.Size > uint.MaxValue)
                errors.Add(new($"{field}[{i}]", $"'{m}' runs past the last valid {what} (4294967294)"));
            for (var j = 0; j < i; j++)
            {
                var o = map[j];
                if (m.Size == 0 || o.Size == 0)
                    continue;
                if (Overlap(m.ContainerId, m.Size, o.ContainerId, o.Size))
                    errors.Add(new($"{field}[{i}]", $"'{m}' overlaps '{o}' inside the container"));
                if (Overlap(m.HostId, m.Size, o.HostId, o.Size))
                    errors.Add(new($"{field}[{i}]", $"'{m}' overlaps '{o}' on the host"));
            }
        }
    }

    private static bool Overlap(uint a, uint aSize, uint b, uint bSize) =>
        (ulong)a < (ulong)b + bSize && (ulong)b < (ulong)a + aSize;

    private static void ValidateRlimits(IReadOnlyList<Rlimit> limits, List<SpecError> errors)
    {
        var seen = new HashSet<ResourceLimit>();
        for (var i = 0; i < limits.Count; i++)
        {
            var r = limits[i];
            var field = $"process.rlimits[{i}]";
            if (!Enum.IsDefined(r.Resource))
                errors.Add(new(field, $"{(int)r.Resource} is not a resource limit"));
            else if (!seen.Add(r.Resource))
                errors.Add(new(field, $"{Rlimit.Name(r.Resource)} is set more than once"));
            if (r.Soft > r.Hard)
                errors.Add(new(field, $"{r}: the soft limit is above the hard limit"));
        }
    }
}
