namespace Containment;

public sealed partial record ContainerSpec
{
    /// <summary>
    /// A read-only view of the host's filesystem, configured: e.g. <c>v => v.WithTmpSize(256 * ByteSize.MiB).Hide("/srv/secrets")</c>.
    /// </summary>
    public static ContainerSpec HostReadOnly(Func<RootfsSpec.HostReadOnly, RootfsSpec.HostReadOnly> configure) =>
        new(configure(new RootfsSpec.HostReadOnly()));
}
