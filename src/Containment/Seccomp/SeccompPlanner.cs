using System.Runtime.CompilerServices;
using Containment.Launch;
using Containment.Seccomp.Json;
using Microsoft.Extensions.Logging;

namespace Containment.Seccomp;

/// <summary>A compiled filter and the flags it is loaded with on this kernel.</summary>
internal sealed record SeccompLoad(CompiledSeccompFilter Filter, SeccompFilterFlags Flags)
{
    /// <summary>Whether loading returns a notify listener fd (the executor sends it to the host).</summary>
    public bool ReturnsListener => (Flags & SeccompFilterFlags.NewListener) != 0;
}

/// <summary>
/// The seccomp step of a launch. The profile is compiled in C# when the plan is made (against the process's bounding
/// capability set), its flags fitted to the running kernel, and the executor only calls <c>seccomp(2)</c>, as the last
/// step before <c>execve</c>: after the user and capabilities change, the fd layout, <c>close_range</c>, the ready report
/// and the start FIFO. Without <c>no_new_privs</c> the process keeps <c>CAP_SYS_ADMIN</c> effective until then
/// (<see cref="NeedsSysAdmin"/>). A filter with a notify listener is loaded before the ready report instead, so the
/// listener reaches the host before the start returns.
/// </summary>
internal static class SeccompPlanner
{
    /// <summary>The last compile per profile: most containers share one profile (the default) and capability set.</summary>
    private static readonly ConditionalWeakTable<SeccompProfile, StrongBox<(ulong Mask, CompiledSeccompFilter Filter)>> Compiled = [];

    /// <summary>The filter for <paramref name="spec"/>, or null when it runs unconfined.</summary>
    /// <exception cref="ContainerSpecException">The profile names unknown calls, or needs what the kernel lacks.</exception>
    public static SeccompLoad? Compile(ContainerSpec spec, SeccompKernelSupport kernel, ILogger? logger)
    {
        if (spec.Seccomp is not { } profile)
            return null;
        if (!kernel.Available)
            throw new ContainerSpecException([new SpecError("seccomp",
                "this kernel has no seccomp filters (CONFIG_SECCOMP_FILTER); run unconfined with WithSeccomp(null)")]);
        var capabilities = spec.Process.Capabilities.Bounding;
        CompiledSeccompFilter filter;
        if (PrecompiledFilters.Find(profile, capabilities) is { } precompiled)
        {
            filter = precompiled;
        }
        else if (Compiled.TryGetValue(profile, out var cached) && cached.Value.Mask == capabilities.Mask)
        {
            filter = cached.Value.Filter;
        }
        else
        {
            filter = SeccompCompiler.Compile(profile, capabilities, ArchitectureInfo.Native, logger);
            Compiled.AddOrUpdate(profile, new((capabilities.Mask, filter)));
        }
        CheckActions(filter, kernel);
        return new SeccompLoad(filter, FitFlags(filter.Flags, kernel, logger));
    }

    /// <summary>
    /// Whether the process must keep <c>CAP_SYS_ADMIN</c> effective until the filter is loaded: without no_new_privs,
    /// loading one needs it. It is harmless up to the exec, which recomputes the permitted and effective sets from the
    /// bounding, inheritable and ambient sets and the file alone (without no_new_privs the old permitted set does not
    /// bound them), so the program never sees it unless the container was given it.
    /// </summary>
    public static bool NeedsSysAdmin(ContainerSpec spec, SeccompLoad? load) => load is not null && !spec.Process.NoNewPrivileges;

    /// <summary>
    /// Loads the filter. The plan puts it right before the exec, so nothing of the launch runs under it and a profile
    /// need allow only the program's own calls and <c>execve</c>; with a notify listener, before the ready report.
    /// </summary>
    public static void Load(LaunchPlan plan, SeccompLoad load)
    {
        var flags = load.Flags == SeccompFilterFlags.None ? "" : ", " + string.Join("|", SeccompJsonNames.Flags(load.Flags));
        plan.Op(PlanOp.Seccomp, "seccomp", $"filter of {load.Filter.Count} instructions{flags}")
            .U32((uint)load.Flags).U32((uint)load.Filter.Count).Bytes(load.Filter.Bytes).End();
    }

    /// <summary>An action the kernel does not know would kill the caller instead: refuse the profile.
    /// (KILL_PROCESS is spared: before Linux 4.14 it kills the thread, still a kill.)</summary>
    private static void CheckActions(CompiledSeccompFilter filter, SeccompKernelSupport kernel)
    {
        List<SpecError>? missing = null;
        foreach (var a in filter.Actions)
            if (a != SeccompAction.KillProcess && !kernel.Actions.Contains(a))
                (missing ??= []).Add(new SpecError("seccomp", $"this kernel does not support the action {SeccompJsonNames.Action(a)}"
                    + (a == SeccompAction.Notify ? " (Linux 5.0)" : a == SeccompAction.Log ? " (Linux 4.14)" : "")));
        if (missing is not null)
            throw new ContainerSpecException(missing);
    }

    /// <summary>
    /// The flags to load with on this kernel. NEW_LISTENER (for NOTIFY rules) is required: without it, an error.
    /// The others change no decision of the filter, so a kernel without them gets the filter without them, with a
    /// warning: LOG (only logs), SPEC_ALLOW (without it the kernel keeps its speculation mitigation: safer),
    /// WAIT_KILLABLE_RECV (without it a signal can interrupt a supervised call), TSYNC (the executor is single-threaded
    /// when it loads the filter, so there is nothing to synchronize). WAIT_KILLABLE_RECV without NOTIFY rules is dropped:
    /// the kernel refuses it without a listener.
    /// </summary>
    internal static SeccompFilterFlags FitFlags(SeccompFilterFlags requested, SeccompKernelSupport kernel, ILogger? logger)
    {
        var flags = requested;
        var listener = (flags & SeccompFilterFlags.NewListener) != 0;
        if (listener && (kernel.Flags & SeccompFilterFlags.NewListener) == 0)
            throw new ContainerSpecException([new SpecError("seccomp.syscalls",
                "SCMP_ACT_NOTIFY needs SECCOMP_FILTER_FLAG_NEW_LISTENER (Linux 5.0), which this kernel lacks")]);
        if (!listener && (flags & SeccompFilterFlags.WaitKillableRecv) != 0)
        {
            logger?.LogDebug("seccomp: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV dropped: the profile has no NOTIFY rule");
            flags &= ~SeccompFilterFlags.WaitKillableRecv;
        }
        var unsupported = flags & ~kernel.Flags;
        if (unsupported != SeccompFilterFlags.None)
        {
            logger?.LogWarning("seccomp: this kernel does not support {Flags}; the filter is loaded without",
                string.Join(", ", SeccompJsonNames.Flags(unsupported)));
            flags &= kernel.Flags;
        }
        if (listener && (flags & (SeccompFilterFlags.Tsync | SeccompFilterFlags.TsyncEsrch)) == SeccompFilterFlags.Tsync)
            flags &= ~SeccompFilterFlags.Tsync; // the kernel refuses TSYNC with a listener unless TSYNC_ESRCH is there too
        return flags;
    }
}
