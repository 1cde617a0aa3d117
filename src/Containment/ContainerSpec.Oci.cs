using Containment.Oci;
using Microsoft.Extensions.Logging;

namespace Containment;

public sealed partial record ContainerSpec
{
    /// <summary>
    /// The container an OCI bundle describes: <c>config.json</c> in <paramref name="bundle"/> is read, validated and
    /// converted with the runtime specification's semantics (docs/oci.md says which field maps to what). A relative
    /// <c>root.path</c> is taken relative to the bundle. The result is an ordinary spec: change it with the
    /// <c>With…</c> methods and start it with <see cref="ContainerProcess.StartAsync(ContainerSpec, CancellationToken)"/>.
    /// </summary>
    /// <param name="bundle">The bundle directory, holding <c>config.json</c> (and usually the root filesystem).</param>
    /// <param name="logger">Where a field this library ignores (as runc does) is reported as a warning naming the
    /// field; null: nowhere.</param>
    /// <exception cref="ArgumentNullException"><paramref name="bundle"/> is null.</exception>
    /// <exception cref="OciConfigException"><c>config.json</c> cannot be read, is not valid JSON, or a field has the
    /// wrong type; the exception names the field and the line.</exception>
    /// <exception cref="ContainerSpecException">The configuration is invalid or uses a field this version cannot
    /// honour; every problem is listed, each naming its field.</exception>
    public static ContainerSpec FromOciBundle(string bundle, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        return OciSpecConverter.ToContainerSpec(OciConfig.LoadBundle(bundle), bundle, logger);
    }

    /// <summary>The container an OCI <c>config.json</c> describes; see <see cref="OciSpecConverter.ToContainerSpec(OciConfig, string)"/>.</summary>
    internal static ContainerSpec FromOci(OciConfig config, string bundle) => OciSpecConverter.ToContainerSpec(config, bundle);
}
