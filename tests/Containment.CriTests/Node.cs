// The suite drives Linux only (containerd, cgroups, namespaces).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace Containment.CriTests;

/// <summary>The node every test of this assembly runs pods on: one private containerd, started once, torn down at the end.</summary>
[SetUpFixture]
public class Node
{
    private static PrivateContainerd? _containerd;

    public static PrivateContainerd Containerd => _containerd ?? throw new InvalidOperationException("the private containerd did not start");

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
            Assert.Ignore("the CRI suite runs containerd and needs root (CI is root)");
        if (!File.Exists("/usr/bin/containerd") || !File.Exists("/usr/bin/ctr") || !File.Exists("/usr/sbin/runc"))
            Assert.Ignore("containerd, ctr or runc is not installed (scripts/install-test-deps.sh installs them)");
        _containerd = await PrivateContainerd.StartAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_containerd is not null)
            await _containerd.DisposeAsync();
        _containerd = null;
    }
}
