using System.Collections.Immutable;

namespace Containment.Landlock;

/// <summary>The Landlock rules negotiated with the kernel's ABI.</summary>
/// <param name="Abi">The ABI the ruleset is built for; 0 when nothing is applied (no Landlock, best-effort).</param>
/// <param name="HandledFs">The filesystem rights the ruleset handles: denied unless a rule allows them.</param>
/// <param name="HandledNet">The network rights it handles (0: TCP is not restricted).</param>
/// <param name="Paths">Each path rule with its rights, within <paramref name="HandledFs"/>.</param>
/// <param name="TcpConnectPorts">The ports TCP connects are allowed to.</param>
/// <param name="Dropped">What the kernel could not enforce and best-effort rules dropped.</param>
internal sealed record LandlockLoad(int Abi, ulong HandledFs, ulong HandledNet,
    ImmutableArray<(string Path, ulong Access)> Paths, ImmutableArray<ushort> TcpConnectPorts, ImmutableArray<string> Dropped);
