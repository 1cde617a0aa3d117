namespace Containment.Seccomp;

public sealed partial class SeccompProfile
{
    /// <summary>
    /// This profile without the call names that no requested architecture knows (as runc and crun treat a profile
    /// from a configuration: Docker's and Podman's list names such as <c>recv</c> or <c>pciconfig_read</c> that this
    /// machine's ABIs lack). A rule left with no name is dropped. The library's own builder keeps refusing them.
    /// </summary>
    /// <param name="native">The machine's architecture.</param>
    /// <param name="dropped">The names taken out, in rule order.</param>
    internal SeccompProfile WithoutUnknownNames(SeccompArchitecture native, out List<string> dropped)
    {
        var tables = new[] { native }.Concat(Architectures).Distinct()
            .Select(ArchitectureInfo.Get).Where(i => i.Table is not null).Select(i => i.Table!).ToArray();
        var unknown = new List<string>();
        var rules = new List<SeccompRule>();
        foreach (var rule in Syscalls)
        {
            var known = rule.Names.Where(n => tables.Any(t => t.TryGetNumber(n, out _))).ToArray();
            unknown.AddRange(rule.Names.Except(known));
            if (known.Length > 0)
                rules.Add(known.Length == rule.Names.Count ? rule : rule with { Names = known });
        }
        dropped = unknown;
        return unknown.Count == 0 ? this : WithRules(rules);
    }
}
