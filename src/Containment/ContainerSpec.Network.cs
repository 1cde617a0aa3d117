using Containment.Namespaces;
using Containment.Networking;

namespace Containment;

public sealed partial record ContainerSpec
{
    /// <summary>
    /// A CNI network the container joins in its own network namespace (ADD runs before its program starts, DEL when it
    /// is torn down), or null: then the network is the host's, a private one with only <c>lo</c>, or one joined by path,
    /// as <see cref="Namespaces"/> says. <see cref="ContainerProcess.Network"/> holds the result.
    /// </summary>
    public CniNetwork? Network { get; private init; }

    /// <summary>Sets <see cref="Network"/>; the container needs a network namespace of its own (the default).</summary>
    [System.Diagnostics.Contracts.Pure]
    public ContainerSpec WithNetwork(CniNetwork? network) => this with { Network = network };

    /// <summary>What is wrong with <see cref="Network"/> for a container started from this spec.</summary>
    internal IEnumerable<SpecError> ValidateNetwork(bool detached)
    {
        if (Network is null || Rootfs is RootfsSpec.Joined)
            yield break;
        if (!Namespaces.IsNew(NamespaceKind.Network))
            yield return new SpecError("network", "a CNI network needs a network namespace of the container's own (namespaces.network: new)");
        if (detached)
            yield return new SpecError("network", "a detached container outlives its host, which would leave its CNI network without a DEL");
        foreach (var error in Network.Validate())
            yield return error;
    }
}
