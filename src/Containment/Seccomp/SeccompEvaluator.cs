namespace Containment.Seccomp;

/// <summary>Decides a call directly from the resolved rules: the reference the compiled filter is tested against.</summary>
internal static class SeccompEvaluator
{
    public static SeccompDecision Evaluate(ResolvedProfile profile, uint auditArch, uint nr, IReadOnlyList<ulong> args)
    {
        var section = profile.SectionFor(auditArch);
        var abi = section?.AbiFor(nr);
        if (abi is null)
            return SeccompDecision.FromReturn(profile.BadArchReturn, null, null,
                $"the filter does not cover this ABI (arch 0x{auditArch:x8}, nr 0x{nr:x})");

        var name = abi.Info.Table!.NameOf((int)nr) ?? $"#{nr}";
        if (abi.RulesByNumber.TryGetValue(nr, out var rules))
        {
            for (var i = rules.Count - 1; i >= 0; i--)
            {
                var (index, rule) = rules[i];
                if (rule.MatchesArgs(args))
                    return SeccompDecision.FromReturn(rule.ReturnValue, index, rule,
                        $"syscalls[{index}] ({rule}) decides {name} on {abi.Info.OciName}");
            }
            return SeccompDecision.FromReturn(profile.DefaultReturn, null, null,
                $"no rule for {name} on {abi.Info.OciName} matches its arguments: the default action");
        }
        if (profile.EnosysStub && abi.IsNewerThanProfile(nr))
            return SeccompDecision.FromReturn(SeccompReturn.Errno | SeccompReturn.ENOSYS, null, null,
                $"{name} on {abi.Info.OciName} is newer than every call the profile names: ENOSYS so that libc falls back");
        return SeccompDecision.FromReturn(profile.DefaultReturn, null, null, $"no rule names {name} on {abi.Info.OciName}: the default action");
    }
}
