using Containment.Networking;

namespace Containment;

public sealed partial class ContainerProcess
{
    /// <summary>
    /// The container's place on its <see cref="ContainerSpec.Network"/> (addresses, interfaces, routes), or null when
    /// it has no CNI network. DEL runs when the container is disposed.
    /// </summary>
    public CniAttachment? Network { get; internal set; }
}
