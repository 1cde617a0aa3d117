using System.Runtime.InteropServices;
using Containment.Launch;

namespace Containment.Tests.Launch;

/// <summary>The executors embedded in Containment.dll: one per supported architecture, each an ELF for its machine.</summary>
public class ExecutorImageTests
{
    private const ushort MachineX86_64 = 62, MachineAarch64 = 183;

    [TestCase(Architecture.X64, MachineX86_64)]
    [TestCase(Architecture.Arm64, MachineAarch64)]
    public void The_embedded_executor_is_a_static_ELF_for_its_architecture(Architecture architecture, ushort machine)
    {
        using var stream = typeof(ExecutorImage).Assembly.GetManifestResourceStream(ExecutorImage.ResourceName(architecture));
        if (architecture == Architecture.Arm64)
            Arm64Executor.IgnoreUnlessEmbeddedOrOnCi(stream);
        Assert.That(stream, Is.Not.Null,
            $"no {architecture} executor embedded (arm64 needs gcc-aarch64-linux-gnu libc6-dev-arm64-cross at build time; scripts/install-test-deps.sh installs them)");
        var header = new byte[64];
        stream!.ReadExactly(header);
        Assert.Multiple(() =>
        {
            Assert.That(header[..4], Is.EqualTo("\x7f"u8.ToArray().Concat("ELF"u8.ToArray()).ToArray()), "ELF magic");
            Assert.That(header[4], Is.EqualTo(2), "ELFCLASS64");
            Assert.That(BitConverter.ToUInt16(header, 18), Is.EqualTo(machine), "e_machine");
            Assert.That(BitConverter.ToUInt16(header, 16), Is.EqualTo(3), "e_type: ET_DYN, a static PIE");
        });
    }

    [Test]
    public void The_process_architecture_has_an_executor()
    {
        Assert.That(ExecutorImage.EmbeddedArchitectures(), Does.Contain(RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant()));
    }
}
