using Containment.Oci;

namespace Containment.Tests.Oci;

/// <summary>The one public door from an OCI bundle to a <see cref="ContainerSpec"/> (the OCI model itself is internal).</summary>
public class FromOciBundleTests
{
    [Test]
    public void A_bundle_s_config_json_becomes_a_spec_with_root_path_relative_to_the_bundle()
    {
        var bundle = Directory.CreateTempSubdirectory("containment-bundle-").FullName;
        try
        {
            File.Copy(OciTestData.PathOf("runc-spec.json"), Path.Combine(bundle, "config.json"));

            var spec = ContainerSpec.FromOciBundle(bundle);

            Assert.Multiple(() =>
            {
                Assert.That(spec.Rootfs, Is.EqualTo(new RootfsSpec.Directory(bundle + "/rootfs")));
                Assert.That(spec.Hostname, Is.EqualTo("runc"));
                Assert.That(spec.Process.Args, Is.EqualTo(new[] { "sh" }));
                Assert.That(spec.Filesystem.ReadOnlyRootfs, Is.True);
            });
        }
        finally
        {
            Directory.Delete(bundle, recursive: true);
        }
    }

    [Test]
    public void A_bundle_without_config_json_is_an_OciConfigException_naming_the_file()
    {
        var bundle = Directory.CreateTempSubdirectory("containment-bundle-").FullName;
        try
        {
            Assert.That(() => ContainerSpec.FromOciBundle(bundle),
                Throws.TypeOf<OciConfigException>().With.Property(nameof(OciConfigException.SourcePath)).EqualTo(Path.Combine(bundle, "config.json")));
        }
        finally
        {
            Directory.Delete(bundle, recursive: true);
        }
    }
}
