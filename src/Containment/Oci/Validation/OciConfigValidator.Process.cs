namespace Containment.Oci;

internal sealed partial class OciConfigValidator
{
    /// <summary>An OCI capability name: exactly a kernel capability's <c>CAP_</c> name (the one list is in Capabilities).</summary>
    private static bool IsCapability(string name) =>
        Containment.Capabilities.CapabilityNames.TryParse(name, out var c) && Containment.Capabilities.CapabilityNames.Name(c.Value) == name;

    [System.Text.RegularExpressions.GeneratedRegex("^CAP_[A-Z0-9_]+$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex CapabilityName();

    internal static readonly HashSet<string> Rlimits =
    [
        "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE", "RLIMIT_RSS", "RLIMIT_NPROC",
        "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS", "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE",
        "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME",
    ];

    private static readonly HashSet<string> IoPriorityClasses = ["IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE"];

    private static readonly HashSet<string> SchedulerPolicies =
        ["SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE"];

    private static readonly HashSet<string> SchedulerFlags =
    [
        "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM", "SCHED_FLAG_DL_OVERRUN", "SCHED_FLAG_KEEP_POLICY",
        "SCHED_FLAG_KEEP_PARAMS", "SCHED_FLAG_UTIL_CLAMP_MIN", "SCHED_FLAG_UTIL_CLAMP_MAX",
    ];

    /// <summary>Checks a process alone (<c>exec --process</c>).</summary>
    public static IReadOnlyList<SpecError> ValidateProcess(OciProcess process)
    {
        ArgumentNullException.ThrowIfNull(process);
        var validator = new OciConfigValidator(new OciConfig());
        validator.CheckProcess(process);
        return validator._errors;
    }

    private void CheckProcess(OciProcess p)
    {
        if (p.Args is not { Count: > 0 }) Error("process.args", "at least one argument (the program) is required");
        else
            for (var i = 0; i < p.Args.Count; i++)
                if (p.Args[i] is null) Error($"process.args[{i}]", "must not be null");
        if (string.IsNullOrEmpty(p.Args?.FirstOrDefault()) && p.Args is { Count: > 0 })
            Error("process.args[0]", "the program must not be empty");

        CheckAbsolute("process.cwd", p.Cwd, required: true);
        CheckEnv("process.env", p.Env);

        if (p.User is null) Error("process.user", "is required");
        else if (p.User.Umask is > 0b111_111_111) Error("process.user.umask", $"{p.User.Umask} is not a umask (at most 0777)");

        if (p.Capabilities is { } caps)
        {
            CheckCapabilities("process.capabilities.bounding", caps.Bounding);
            CheckCapabilities("process.capabilities.effective", caps.Effective);
            CheckCapabilities("process.capabilities.inheritable", caps.Inheritable);
            CheckCapabilities("process.capabilities.permitted", caps.Permitted);
            CheckCapabilities("process.capabilities.ambient", caps.Ambient);
        }

        if (p.Rlimits is { } rlimits)
        {
            var seen = new HashSet<string>();
            for (var i = 0; i < rlimits.Count; i++)
            {
                var limit = rlimits[i];
                var field = $"process.rlimits[{i}]";
                if (limit is null) { Error(field, "must not be null"); continue; }
                if (!Rlimits.Contains(limit.Type)) Error($"{field}.type", $"unknown resource limit \"{limit.Type}\"");
                else if (!seen.Add(limit.Type)) Error($"{field}.type", $"{limit.Type} is set more than once");
                if (limit.Soft > limit.Hard) Error($"{field}.soft", $"the soft limit {limit.Soft} exceeds the hard limit {limit.Hard}");
            }
        }

        if (p.OomScoreAdj is < -1000 or > 1000) Error("process.oomScoreAdj", $"{p.OomScoreAdj} is outside -1000..1000");

        if (p.IoPriority is { } io)
        {
            if (!IoPriorityClasses.Contains(io.Class))
                Error("process.ioPriority.class", $"unknown class \"{io.Class}\" (IOPRIO_CLASS_RT, IOPRIO_CLASS_BE or IOPRIO_CLASS_IDLE)");
            if (io.Priority is < 0 or > 7) Error("process.ioPriority.priority", $"{io.Priority} is outside 0..7");
        }

        if (p.Scheduler is { } s) CheckScheduler(s);

        if (p.ExecCpuAffinity is { } affinity)
        {
            CheckCpuList("process.execCPUAffinity.initial", affinity.Initial);
            CheckCpuList("process.execCPUAffinity.final", affinity.Final);
        }
    }

    private void CheckCapabilities(string field, IReadOnlyList<string>? names)
    {
        if (names is null) return;
        for (var i = 0; i < names.Count; i++)
            if (names[i] is null || !IsCapability(names[i]) && !CapabilityName().IsMatch(names[i]))
                Error($"{field}[{i}]", $"unknown capability \"{names[i]}\"");
            // A well-formed name this kernel's list lacks (a newer capability) is skipped with a warning at conversion.
    }

    private void CheckScheduler(OciScheduler s)
    {
        const string f = "process.scheduler";
        if (!SchedulerPolicies.Contains(s.Policy)) Error($"{f}.policy", $"unknown policy \"{s.Policy}\"");
        if (s.Nice is < -20 or > 19) Error($"{f}.nice", $"{s.Nice} is outside -20..19");
        var realtime = s.Policy is "SCHED_FIFO" or "SCHED_RR";
        if (realtime && s.Priority is not (>= 1 and <= 99))
            Error($"{f}.priority", $"{s.Policy} needs a priority in 1..99");
        else if (!realtime && s.Priority is not (null or 0))
            Error($"{f}.priority", $"{s.Policy} takes no priority (only SCHED_FIFO and SCHED_RR do)");
        if (s.Flags is { } flags)
            for (var i = 0; i < flags.Count; i++)
                if (!SchedulerFlags.Contains(flags[i])) Error($"{f}.flags[{i}]", $"unknown flag \"{flags[i]}\"");
        if (s.Policy == "SCHED_DEADLINE")
        {
            if (s.Runtime is null or 0) Error($"{f}.runtime", "SCHED_DEADLINE needs a runtime");
            if (s.Deadline is { } deadline && s.Runtime > deadline) Error($"{f}.runtime", "must not exceed the deadline");
            if (s.Period is { } period and > 0 && s.Deadline > period) Error($"{f}.deadline", "must not exceed the period");
        }
        else if (s.Runtime is not (null or 0) || s.Deadline is not (null or 0) || s.Period is not (null or 0))
        {
            Error(f, "runtime, deadline and period apply to SCHED_DEADLINE only");
        }
    }
}
