using System.Diagnostics.Contracts;
using Containment.Capabilities;

namespace Containment.Seccomp;

/// <summary>
/// A seccomp profile: the OCI <c>linux.seccomp</c> object, immutable. Every <c>With…</c> and rule method returns a
/// changed copy:
/// <code>
/// var profile = SeccompProfile.Default
///     .Deny("ptrace")
///     .Errno("mkdir", SeccompErrno.EACCES)
///     .Allow("personality", a =&gt; a.Arg(0).Equal(0x0));
/// </code>
/// <para>How a call is decided: among the rules naming the call, the <b>last</b> one whose argument conditions all
/// hold decides; when none does, <see cref="DefaultAction"/> does. So a rule added later overrides earlier ones, and
/// the rule methods (<see cref="Allow(string[])"/>, <see cref="Deny"/>, …) without argument conditions also remove
/// the names from earlier rules, keeping the profile small.</para>
/// <para>Calls newer than the profile: when the default action refuses calls (anything but ALLOW, LOG or TRACE, and
/// not already ERRNO(ENOSYS)), a call whose number is above the highest number the profile names on that ABI fails
/// with ENOSYS rather than the default, so that C libraries fall back to older calls (as runc does, for example for
/// <c>clone3</c>).</para>
/// </summary>
public sealed partial class SeccompProfile
{
    private SeccompProfile(SeccompAction defaultAction, uint? defaultErrnoRet, IReadOnlyList<SeccompArchitecture> architectures,
        SeccompFilterFlags flags, string? listenerPath, string? listenerMetadata, IReadOnlyList<SeccompRule> syscalls)
    {
        DefaultAction = defaultAction;
        DefaultErrnoRet = defaultErrnoRet;
        Architectures = architectures;
        Flags = flags;
        ListenerPath = listenerPath;
        ListenerMetadata = listenerMetadata;
        Syscalls = syscalls;
    }

    /// <summary>A profile with no rules and the given default action.</summary>
    /// <param name="defaultAction">The action for every call no rule decides.</param>
    /// <param name="defaultErrno">For <see cref="SeccompAction.Errno"/>: the errno (EPERM when null).</param>
    public static SeccompProfile Create(SeccompAction defaultAction, SeccompErrno? defaultErrno = null) =>
        new(defaultAction, (uint?)defaultErrno, [], SeccompFilterFlags.None, null, null, []);

    /// <summary>The action for calls no rule decides (<c>defaultAction</c>).</summary>
    public SeccompAction DefaultAction { get; }

    /// <summary>The errno of a default <see cref="SeccompAction.Errno"/> action (<c>defaultErrnoRet</c>; EPERM when null).</summary>
    public uint? DefaultErrnoRet { get; }

    /// <summary>The ABIs the filter covers besides the machine's native one (<c>architectures</c>). Calls made
    /// through any other ABI kill the process.</summary>
    public IReadOnlyList<SeccompArchitecture> Architectures { get; }

    /// <summary>Flags for <c>seccomp(2)</c> (<c>flags</c>).</summary>
    public SeccompFilterFlags Flags { get; }

    /// <summary>The UNIX socket the OCI runtime sends the notify listener fd to (<c>listenerPath</c>).</summary>
    public string? ListenerPath { get; }

    /// <summary>Opaque data sent with the listener fd (<c>listenerMetadata</c>).</summary>
    public string? ListenerMetadata { get; }

    /// <summary>The rules (<c>syscalls</c>), in order; later rules override earlier ones.</summary>
    public IReadOnlyList<SeccompRule> Syscalls { get; }

    /// <summary>Whether any rule depends on capabilities or architecture.</summary>
    public bool IsConditional => Syscalls.Any(r => r.IsConditional);

    /// <summary>A copy with another default action.</summary>
    [Pure]
    public SeccompProfile WithDefaultAction(SeccompAction action, SeccompErrno? errno = null) =>
        new(action, (uint?)errno, Architectures, Flags, ListenerPath, ListenerMetadata, Syscalls);

    /// <summary>A copy covering these ABIs (replacing the list).</summary>
    [Pure]
    public SeccompProfile WithArchitectures(params SeccompArchitecture[] architectures) =>
        new(DefaultAction, DefaultErrnoRet, architectures.Distinct().ToArray(), Flags, ListenerPath, ListenerMetadata, Syscalls);

    /// <summary>A copy with these <c>seccomp(2)</c> flags (replacing them).</summary>
    [Pure]
    public SeccompProfile WithFlags(SeccompFilterFlags flags) =>
        new(DefaultAction, DefaultErrnoRet, Architectures, flags, ListenerPath, ListenerMetadata, Syscalls);

    /// <summary>A copy whose notify listener fd is sent to <paramref name="path"/> (OCI runtimes only).</summary>
    [Pure]
    public SeccompProfile WithListener(string? path, string? metadata = null) =>
        new(DefaultAction, DefaultErrnoRet, Architectures, Flags, path, metadata, Syscalls);

    /// <summary>A copy with these rules replacing all rules.</summary>
    [Pure]
    public SeccompProfile WithRules(IEnumerable<SeccompRule> rules) =>
        new(DefaultAction, DefaultErrnoRet, Architectures, Flags, ListenerPath, ListenerMetadata, rules.ToArray());

    /// <summary>A copy with <paramref name="rule"/> added last (so it overrides earlier rules where it matches).
    /// An unconditional rule without argument conditions also removes its names from earlier rules.</summary>
    [Pure]
    public SeccompProfile WithRule(SeccompRule rule)
    {
        var rules = new List<SeccompRule>(Syscalls.Count + 1);
        if (rule.Args.Count == 0 && !rule.IsConditional)
        {
            var names = rule.Names.ToHashSet(StringComparer.Ordinal);
            foreach (var r in Syscalls)
            {
                if (!r.Names.Any(names.Contains))
                    rules.Add(r);
                else if (r.Names.Where(n => !names.Contains(n)).ToArray() is { Length: > 0 } rest)
                    rules.Add(r with { Names = rest });
            }
        }
        else
        {
            rules.AddRange(Syscalls);
        }
        rules.Add(rule);
        return new(DefaultAction, DefaultErrnoRet, Architectures, Flags, ListenerPath, ListenerMetadata, rules);
    }

    /// <summary>Allows these calls.</summary>
    [Pure]
    public SeccompProfile Allow(params string[] names) => WithRule(new SeccompRule(names, SeccompAction.Allow));

    /// <summary>Allows a call when its arguments satisfy <paramref name="args"/> (added to earlier rules for it).</summary>
    [Pure]
    public SeccompProfile Allow(string name, Action<SeccompArgsBuilder> args) => Rule(name, SeccompAction.Allow, null, args);

    /// <summary>Makes these calls fail with EPERM.</summary>
    [Pure]
    public SeccompProfile Deny(params string[] names) => WithRule(new SeccompRule(names, SeccompAction.Errno, SeccompReturn.EPERM));

    /// <summary>Makes a call fail with <paramref name="errno"/>.</summary>
    [Pure]
    public SeccompProfile Errno(string name, SeccompErrno errno) => WithRule(new SeccompRule([name], SeccompAction.Errno, (uint)errno));

    /// <summary>Makes a call fail with <paramref name="errno"/> when its arguments satisfy <paramref name="args"/>.</summary>
    [Pure]
    public SeccompProfile Errno(string name, SeccompErrno errno, Action<SeccompArgsBuilder> args) =>
        Rule(name, SeccompAction.Errno, (uint)errno, args);

    /// <summary>Kills the process that makes one of these calls.</summary>
    [Pure]
    public SeccompProfile Kill(params string[] names) => WithRule(new SeccompRule(names, SeccompAction.KillProcess));

    /// <summary>Sends SIGSYS to the thread that makes one of these calls (the call is not made).</summary>
    [Pure]
    public SeccompProfile Trap(params string[] names) => WithRule(new SeccompRule(names, SeccompAction.Trap));

    /// <summary>Allows these calls and logs them.</summary>
    [Pure]
    public SeccompProfile Log(params string[] names) => WithRule(new SeccompRule(names, SeccompAction.Log));

    /// <summary>Hands these calls to the user-space supervisor holding the notify listener.</summary>
    /// <remarks>
    /// The compiled filter then asks the kernel for a listener fd (SECCOMP_FILTER_FLAG_NEW_LISTENER), which the
    /// executor passes to the host, where <see cref="ContainerStartOptions.SeccompNotify"/> answers each call:
    /// <code>
    /// var options = new ContainerStartOptions
    /// {
    ///     SeccompNotify = (call, ct) =&gt; ValueTask.FromResult(call.Syscall == "mkdir"
    ///         ? SeccompResponse.Fail(SeccompErrno.EACCES) : SeccompResponse.Continue),
    /// };
    /// </code>
    /// See docs/seccomp.md for what a supervisor can and cannot safely decide.
    /// </remarks>
    [Pure]
    public SeccompProfile Notify(params string[] names) => WithRule(new SeccompRule(names, SeccompAction.Notify));

    /// <summary>Notifies a ptrace tracer of these calls with message <paramref name="message"/>.</summary>
    [Pure]
    public SeccompProfile Trace(ushort message, params string[] names) => WithRule(new SeccompRule(names, SeccompAction.Trace, message));

    private SeccompProfile Rule(string name, SeccompAction action, uint? errno, Action<SeccompArgsBuilder> args)
    {
        var builder = new SeccompArgsBuilder();
        args(builder);
        return WithRule(new SeccompRule([name], action, errno, builder.Conditions));
    }

    /// <summary>
    /// The plain OCI profile for a container with these capabilities on a machine of this native architecture:
    /// conditional rules that apply lose their conditions, the others are dropped.
    /// </summary>
    /// <param name="capabilities">The container's capabilities (a container's filter is resolved against its
    /// bounding set, as Docker does: see <see cref="ContainerSpec.Seccomp"/>).</param>
    /// <param name="native">The machine's architecture (default: this process's).</param>
    [Pure]
    public SeccompProfile Resolve(CapabilitySet capabilities, SeccompArchitecture? native = null)
    {
        var arch = native ?? ArchitectureInfo.Native;
        var rules = Syscalls.Where(r => r.AppliesTo(capabilities, arch))
            .Select(r => r.IsConditional ? r with { IncludedCapabilities = [], ExcludedCapabilities = [], IncludedArchitectures = [], ExcludedArchitectures = [] } : r)
            .ToArray();
        return new(DefaultAction, DefaultErrnoRet, Architectures, Flags, ListenerPath, ListenerMetadata, rules);
    }

    /// <summary>Checks the profile, listing every problem (an unknown architecture, an argument index above 5, …).</summary>
    /// <exception cref="ContainerSpecException">The profile is invalid; each error names the field.</exception>
    public void Validate()
    {
        var errors = SeccompValidator.Validate(this, "");
        if (errors.Count > 0)
            throw new ContainerSpecException(errors);
    }

    /// <summary>
    /// Says what this profile does with one call, and why: the deciding rule (its index in <see cref="Syscalls"/>)
    /// or the default. Evaluated directly on the profile, with the same rules as the compiled filter.
    /// </summary>
    /// <param name="architecture">The ABI the call is made through.</param>
    /// <param name="syscall">The call's name on that ABI.</param>
    /// <param name="args">Argument values (missing ones are 0).</param>
    /// <param name="capabilities">The container's capabilities, for conditional rules (none when null).</param>
    /// <exception cref="ArgumentException">There is no syscall table for <paramref name="architecture"/>, or <paramref name="syscall"/> is not a system call on it.</exception>
    public SeccompDecision Explain(SeccompArchitecture architecture, string syscall, IReadOnlyList<ulong>? args = null,
        CapabilitySet? capabilities = null)
    {
        var native = ArchitectureInfo.NativeFor(architecture);
        var resolved = ResolvedProfile.Create(this, capabilities ?? CapabilitySet.Empty, native, null);
        var table = ArchitectureInfo.Get(architecture).Table
            ?? throw new ArgumentException($"no syscall table for {ArchitectureInfo.Get(architecture).OciName}", nameof(architecture));
        if (!table.TryGetNumber(syscall, out var nr))
            throw new ArgumentException($"{syscall} is not a system call on {ArchitectureInfo.Get(architecture).OciName}", nameof(syscall));
        var decision = SeccompEvaluator.Evaluate(resolved, ArchitectureInfo.Get(architecture).AuditArch, (uint)nr, args ?? []);
        if (decision.RuleIndex is not null)
            return decision;
        // Say which capability would have brought in a rule for it.
        var caps = capabilities ?? CapabilitySet.Empty;
        var withCapability = Syscalls.Select((rule, index) => (rule, index))
            .Where(r => r.rule.Names.Contains(syscall) && r.rule.IncludedCapabilities.Count > 0 && !r.rule.AppliesTo(caps, native)
                        && r.rule.AppliesTo(CapabilitySet.All, native))
            .Select(r => $"syscalls[{r.index}] ({r.rule}) would decide it with {string.Join(" and ", r.rule.IncludedCapabilities)}")
            .ToArray();
        return withCapability.Length == 0 ? decision : decision with { Reason = decision.Reason + "; " + string.Join("; ", withCapability) };
    }

    /// <summary>Says what this profile does with a call made through this machine's own ABI, and why.</summary>
    /// <inheritdoc cref="Explain(SeccompArchitecture, string, IReadOnlyList{ulong}?, CapabilitySet?)"/>
    public SeccompDecision Explain(string syscall, IReadOnlyList<ulong>? args = null, CapabilitySet? capabilities = null) =>
        Explain(ArchitectureInfo.Native, syscall, args, capabilities);
}
