using Containment.Oci;

namespace Containment;

public sealed partial record ContainerSpec
{
    /// <summary>
    /// The container an OCI <c>config.json</c> describes, with the specification's semantics; see
    /// <see cref="OciSpecConverter.ToContainerSpec(OciConfig, string)"/>. <paramref name="bundle"/> anchors a relative <c>root.path</c>.
    /// </summary>
    /// <exception cref="ContainerSpecException">The configuration is invalid or uses a field this version cannot
    /// honour; every problem is listed, each naming its field.</exception>
    public static ContainerSpec FromOci(OciConfig config, string bundle) => OciSpecConverter.ToContainerSpec(config, bundle);
}
