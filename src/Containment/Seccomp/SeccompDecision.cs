namespace Containment.Seccomp;

/// <summary>What a profile does with one system call, and why (from <see cref="SeccompProfile.Explain(SeccompArchitecture, string, IReadOnlyList{ulong}?, Capabilities.CapabilitySet?)"/>).</summary>
/// <param name="Action">The action taken.</param>
/// <param name="Data">The errno for <see cref="SeccompAction.Errno"/>, the message for <see cref="SeccompAction.Trace"/>, else 0.</param>
/// <param name="RuleIndex">The index in <see cref="SeccompProfile.Syscalls"/> of the deciding rule, or null.</param>
/// <param name="Rule">The deciding rule, or null when the default (or an implicit rule) decided.</param>
/// <param name="Reason">A sentence saying what decided.</param>
public sealed record SeccompDecision(SeccompAction Action, uint Data, int? RuleIndex, SeccompRule? Rule, string Reason)
{
    /// <summary>The SECCOMP_RET_* value the filter returns for this decision.</summary>
    internal uint ReturnValue => SeccompReturn.Of(Action, Data);

    internal static SeccompDecision FromReturn(uint value, int? ruleIndex, SeccompRule? rule, string reason)
    {
        var (action, data) = SeccompReturn.Decode(value);
        return new(action, data, ruleIndex, rule, reason);
    }

    /// <inheritdoc />
    public override string ToString() => $"{SeccompReturn.Describe(ReturnValue)}: {Reason}";
}
