using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace Containment.Seccomp;

/// <summary>The container's seccomp profile at launch: validated with the spec, compiled for the plan.</summary>
internal static class SeccompSpec
{
    /// <summary>Every problem of the spec's profile, fields prefixed <c>seccomp.</c>.</summary>
    public static List<SpecError> Validate(ContainerSpec spec)
    {
        var profile = spec.Seccomp!;
        var errors = SeccompValidator.Validate(profile, "seccomp.");
        for (var i = 0; i < profile.Syscalls.Count; i++)
            if (profile.Syscalls[i].Action == SeccompAction.Notify)
                errors.Add(new($"seccomp.syscalls[{i}].action", "SCMP_ACT_NOTIFY: a user-space notify supervisor is not supported by this version"));
        if (profile.ListenerPath is not null)
            errors.Add(new("seccomp.listenerPath", "a notify listener is not supported by this version"));
        return errors;
    }

    /// <summary>
    /// The filter for the spec's profile, resolved against the capabilities the process will hold (effective and
    /// permitted), for this machine's architecture; null when the spec runs unconfined.
    /// </summary>
    public static CompiledSeccompFilter? Compile(ContainerSpec spec, ILogger logger)
    {
        if (spec.Seccomp is not { } profile)
            return null;
        var caps = spec.Process.Capabilities;
        var mask = caps.Effective.Mask | caps.Permitted.Mask;
        // Profiles are immutable: the filter for one profile and capability set is compiled once per process
        // (about half a millisecond for the default profile, a fifth of a container start).
        var byCaps = Compiled.GetValue(profile, static _ => new ConcurrentDictionary<ulong, CompiledSeccompFilter>());
        if (byCaps.TryGetValue(mask, out var cached))
            return cached;
        var filter = SeccompCompiler.Compile(profile, mask, logger: logger);
        logger.LogDebug("Seccomp filter: {Count} instructions, flags {Flags}", filter.Count, filter.Flags);
        return byCaps.GetOrAdd(mask, filter);
    }

    private static readonly ConditionalWeakTable<SeccompProfile, ConcurrentDictionary<ulong, CompiledSeccompFilter>> Compiled = new();
}
