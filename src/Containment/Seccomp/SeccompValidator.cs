using Containment.Capabilities;

namespace Containment.Seccomp;

/// <summary>Checks a profile and lists every problem, each naming its field (<c>syscalls[3].args[0].index</c>).</summary>
internal static class SeccompValidator
{
    /// <summary>The kernel clamps larger errno values to MAX_ERRNO.</summary>
    public const uint MaxErrno = 4095;

    public static List<SpecError> Validate(SeccompProfile profile, string prefix)
    {
        var errors = new List<SpecError>();
        void Error(string field, string message) => errors.Add(new SpecError(prefix + field, message));

        if (!Enum.IsDefined(profile.DefaultAction))
            Error("defaultAction", $"unknown action {(int)profile.DefaultAction}");
        if (profile.DefaultAction == SeccompAction.Notify)
            Error("defaultAction", "SCMP_ACT_NOTIFY cannot be the default action");
        if (profile.DefaultErrnoRet is { } defaultErrno)
        {
            if (profile.DefaultAction != SeccompAction.Errno)
                Error("defaultErrnoRet", $"is only used with SCMP_ACT_ERRNO, not {Json.SeccompJsonNames.Action(profile.DefaultAction)}");
            else if (defaultErrno > MaxErrno)
                Error("defaultErrnoRet", $"{defaultErrno} is out of range 0..{MaxErrno}");
        }
        for (var i = 0; i < profile.Architectures.Count; i++)
            if (!Enum.IsDefined(profile.Architectures[i]))
                Error($"architectures[{i}]", $"unknown architecture {(int)profile.Architectures[i]}");
        const SeccompFilterFlags known = SeccompFilterFlags.Tsync | SeccompFilterFlags.Log | SeccompFilterFlags.SpecAllow
            | SeccompFilterFlags.NewListener | SeccompFilterFlags.TsyncEsrch | SeccompFilterFlags.WaitKillableRecv;
        if ((profile.Flags & ~known) != 0)
            Error("flags", $"unknown flag bits 0x{(uint)(profile.Flags & ~known):x}");

        var usesNotify = false;
        for (var r = 0; r < profile.Syscalls.Count; r++)
        {
            var rule = profile.Syscalls[r];
            var at = $"syscalls[{r}]";
            if (rule.Names.Count == 0)
                Error($"{at}.names", "must name at least one system call");
            for (var n = 0; n < rule.Names.Count; n++)
                if (string.IsNullOrWhiteSpace(rule.Names[n]))
                    Error($"{at}.names[{n}]", "is empty");
            if (!Enum.IsDefined(rule.Action))
                Error($"{at}.action", $"unknown action {(int)rule.Action}");
            usesNotify |= rule.Action == SeccompAction.Notify;
            if (rule.ErrnoRet is { } errno)
            {
                if (rule.Action is not (SeccompAction.Errno or SeccompAction.Trace))
                    Error($"{at}.errnoRet", $"is only used with SCMP_ACT_ERRNO and SCMP_ACT_TRACE, not {Json.SeccompJsonNames.Action(rule.Action)}");
                else if (rule.Action == SeccompAction.Errno && errno > MaxErrno)
                    Error($"{at}.errnoRet", $"{errno} is out of range 0..{MaxErrno}");
                else if (errno > ushort.MaxValue)
                    Error($"{at}.errnoRet", $"{errno} is out of range 0..{ushort.MaxValue}");
            }
            for (var a = 0; a < rule.Args.Count; a++)
            {
                var arg = rule.Args[a];
                if (arg.Index is < 0 or > 5)
                    Error($"{at}.args[{a}].index", $"{arg.Index} is out of range 0..5");
                if (!Enum.IsDefined(arg.Operator))
                    Error($"{at}.args[{a}].op", $"unknown operator {(int)arg.Operator}");
            }
            for (var c = 0; c < rule.IncludedCapabilities.Count; c++)
                if (!CapabilityNames.TryParse(rule.IncludedCapabilities[c], out _))
                    Error($"{at}.includes.caps[{c}]", $"unknown capability {rule.IncludedCapabilities[c]}");
            for (var c = 0; c < rule.ExcludedCapabilities.Count; c++)
                if (!CapabilityNames.TryParse(rule.ExcludedCapabilities[c], out _))
                    Error($"{at}.excludes.caps[{c}]", $"unknown capability {rule.ExcludedCapabilities[c]}");
        }
        if (usesNotify && (profile.Flags & SeccompFilterFlags.Tsync) != 0 && (profile.Flags & SeccompFilterFlags.TsyncEsrch) == 0)
            Error("flags", "SECCOMP_FILTER_FLAG_TSYNC cannot be combined with SCMP_ACT_NOTIFY (the kernel needs TSYNC_ESRCH for that)");
        return errors;
    }
}
