namespace Containment.Seccomp.Json;

/// <summary>The OCI spellings of actions, operators and flags.</summary>
internal static class SeccompJsonNames
{
    private static readonly (SeccompAction Action, string Name)[] Actions =
    [
        (SeccompAction.KillProcess, "SCMP_ACT_KILL_PROCESS"), (SeccompAction.KillThread, "SCMP_ACT_KILL_THREAD"),
        (SeccompAction.Trap, "SCMP_ACT_TRAP"), (SeccompAction.Errno, "SCMP_ACT_ERRNO"), (SeccompAction.Trace, "SCMP_ACT_TRACE"),
        (SeccompAction.Allow, "SCMP_ACT_ALLOW"), (SeccompAction.Log, "SCMP_ACT_LOG"), (SeccompAction.Notify, "SCMP_ACT_NOTIFY"),
    ];

    public static string Action(SeccompAction action) =>
        Actions.FirstOrDefault(a => a.Action == action).Name ?? $"action {(int)action}";

    /// <summary>An action by name; <c>SCMP_ACT_KILL</c> is the old name of <c>SCMP_ACT_KILL_THREAD</c>.</summary>
    public static bool TryParseAction(string? text, out SeccompAction action) =>
        TryParse(Actions, text == "SCMP_ACT_KILL" ? "SCMP_ACT_KILL_THREAD" : text, out action);

    private static readonly (SeccompArgOperator Op, string Name)[] Operators =
    [
        (SeccompArgOperator.NotEqual, "SCMP_CMP_NE"), (SeccompArgOperator.LessThan, "SCMP_CMP_LT"),
        (SeccompArgOperator.LessOrEqual, "SCMP_CMP_LE"), (SeccompArgOperator.Equal, "SCMP_CMP_EQ"),
        (SeccompArgOperator.GreaterOrEqual, "SCMP_CMP_GE"), (SeccompArgOperator.GreaterThan, "SCMP_CMP_GT"),
        (SeccompArgOperator.MaskedEqual, "SCMP_CMP_MASKED_EQ"),
    ];

    public static string Operator(SeccompArgOperator op) => Operators.First(o => o.Op == op).Name;

    public static bool TryParseOperator(string? text, out SeccompArgOperator op) => TryParse(Operators, text, out op);

    private static readonly (SeccompFilterFlags Flag, string Name)[] FlagNames =
    [
        (SeccompFilterFlags.Tsync, "SECCOMP_FILTER_FLAG_TSYNC"), (SeccompFilterFlags.Log, "SECCOMP_FILTER_FLAG_LOG"),
        (SeccompFilterFlags.SpecAllow, "SECCOMP_FILTER_FLAG_SPEC_ALLOW"),
        (SeccompFilterFlags.NewListener, "SECCOMP_FILTER_FLAG_NEW_LISTENER"),
        (SeccompFilterFlags.TsyncEsrch, "SECCOMP_FILTER_FLAG_TSYNC_ESRCH"),
        (SeccompFilterFlags.WaitKillableRecv, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"),
    ];

    /// <summary>Every action, operator and flag name a profile may use.</summary>
    public static IEnumerable<string> AllActions => Enum.GetValues<SeccompAction>().Select(Action).Append("SCMP_ACT_KILL");

    public static IEnumerable<string> AllOperators => Operators.Select(o => o.Name);

    public static IEnumerable<string> AllFlags => FlagNames.Select(f => f.Name);

    public static IEnumerable<string> Flags(SeccompFilterFlags flags) =>
        FlagNames.Where(f => (flags & f.Flag) != 0).Select(f => f.Name);

    public static bool TryParseFlag(string? text, out SeccompFilterFlags flag) => TryParse(FlagNames, text, out flag);

    private static bool TryParse<T>((T Value, string Name)[] names, string? text, out T value)
    {
        foreach (var (v, name) in names)
        {
            if (name == text)
            {
                value = v;
                return true;
            }
        }
        value = default!;
        return false;
    }
}
