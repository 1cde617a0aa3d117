namespace Containment.IntegrationTests.Conformance;

/// <summary>runtime-linux.md: the descriptors a process gets and the standard symlinks in /dev.</summary>
public class RuntimeLinuxConformance : ConformanceBundle
{
    [Test]
    public void RuntimeLinux_FileDescriptors_OnlyStdinStdoutStderrAreOpen() =>
        // ls itself opens the directory it lists (fd 3): everything else is the runtime's leak.
        Assert.That(Run("ls /proc/self/fd"), Is.EqualTo("0\n1\n2\n3\n"));

    [Test]
    public void RuntimeLinux_DevSymbolicLinks_PointIntoProcSelfFd() =>
        Assert.That(Run("for l in fd stdin stdout stderr; do echo $l $(readlink /dev/$l); done"),
            Is.EqualTo("fd /proc/self/fd\nstdin /proc/self/fd/0\nstdout /proc/self/fd/1\nstderr /proc/self/fd/2\n"));
}
