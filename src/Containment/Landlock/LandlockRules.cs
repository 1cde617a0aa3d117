using System.Collections.Immutable;

namespace Containment.Landlock;

/// <summary>
/// The Landlock rules a container's process runs under (Linux 5.13+): once any are set, the filesystem outside the
/// paths named here is closed to it (no read, write or exec), and with <see cref="ConnectTcp"/> so is every TCP port not
/// named. Applied by the executor as the last step before the seccomp filter and the exec; it survives exec and cannot
/// be lifted. Paths resolve inside the container's root. Immutable: each method returns a changed copy, e.g.
/// <c>l => l.ReadOnly("/usr", "/etc").ReadWrite("/tmp").Execute("/usr/bin").ConnectTcp(443)</c>. See docs/landlock.md.
/// </summary>
public sealed record LandlockRules
{
    /// <summary>No rules: everything on the filesystem is denied until rules are added.</summary>
    public static LandlockRules Empty { get; } = new();

    /// <summary>The path rules, in the order they were added.</summary>
    public ImmutableArray<LandlockPathRule> Paths { get; init; } = [];

    /// <summary>Whether TCP connects are restricted (to <see cref="TcpConnectPorts"/>); false leaves TCP open.</summary>
    public bool RestrictsTcpConnect { get; init; }

    /// <summary>The TCP ports the process may connect to, when <see cref="RestrictsTcpConnect"/>.</summary>
    public ImmutableArray<ushort> TcpConnectPorts { get; init; } = [];

    /// <summary>
    /// When the kernel cannot enforce a rule (an older Landlock ABI, or no Landlock at all), the rule is dropped with a
    /// warning instead of failing the start. <see cref="ContainerProcess.LandlockAbi"/> and
    /// <see cref="ContainerProcess.LandlockDropped"/> say what was applied.
    /// </summary>
    public bool BestEffort { get; init; }

    /// <summary>Allows reading files and listing directories beneath each path.</summary>
    [System.Diagnostics.Contracts.Pure]
    public LandlockRules ReadOnly(params string[] paths) => Add(paths, LandlockPathAccess.Read);

    /// <summary>Allows reading and changing everything beneath each path (write, truncate, create, remove, rename).</summary>
    [System.Diagnostics.Contracts.Pure]
    public LandlockRules ReadWrite(params string[] paths) => Add(paths, LandlockPathAccess.Read | LandlockPathAccess.Write);

    /// <summary>Allows executing (and reading) files beneath each path; a dynamic program's loader and libraries need it too.</summary>
    [System.Diagnostics.Contracts.Pure]
    public LandlockRules Execute(params string[] paths) => Add(paths, LandlockPathAccess.Read | LandlockPathAccess.Execute);

    /// <summary>Allows <paramref name="access"/> beneath each path.</summary>
    [System.Diagnostics.Contracts.Pure]
    public LandlockRules Allow(LandlockPathAccess access, params string[] paths) => Add(paths, access);

    /// <summary>
    /// Restricts TCP connects to these ports (Landlock ABI 4, Linux 6.7); with none, the process may connect to no TCP
    /// port. Can be called again to add ports.
    /// </summary>
    [System.Diagnostics.Contracts.Pure]
    public LandlockRules ConnectTcp(params ushort[] ports) =>
        this with { RestrictsTcpConnect = true, TcpConnectPorts = TcpConnectPorts.AddRange(ports) };

    /// <summary>Sets <see cref="BestEffort"/>.</summary>
    [System.Diagnostics.Contracts.Pure]
    public LandlockRules WithBestEffort(bool bestEffort = true) => this with { BestEffort = bestEffort };

    private LandlockRules Add(string[] paths, LandlockPathAccess access) =>
        this with { Paths = Paths.AddRange(paths.Select(p => new LandlockPathRule(p, access))) };
}
