namespace Containment.Tests.Oci.Properties;

/// <summary>A bundle directory holding an empty <c>rootfs</c>, so generated configs can convert and validate
/// against a root that exists. Nothing is ever started in it.</summary>
internal sealed class PropertyBundle : IDisposable
{
    public const string RootfsName = "rootfs";

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("containment-props-").FullName;

    public PropertyBundle() => System.IO.Directory.CreateDirectory(Path.Combine(Directory, RootfsName));

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
