using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Containment.Launch;

namespace Containment.Tests.Launch;

/// <summary>
/// The embedded aarch64 executor on this x86-64 machine, under qemu-user (tests/arm64/qemu-user.sh): its plan decoder
/// decodes every corpus plan and its variants as the x64 one does, and the executor itself decodes, validates and
/// performs a plan until qemu-user stops it (clone3: ENOSYS), and refuses a corrupt one with EBADMSG.
/// </summary>
public class Arm64ExecutorTests
{
    private static string Script([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "arm64", "qemu-user.sh"));

    [Test]
    public async Task The_arm64_executor_decodes_and_runs_the_corpus_under_qemu_user()
    {
        foreach (var tool in new[] { "qemu-aarch64-static", "aarch64-linux-gnu-gcc", "gcc", "python3" })
            if (!File.Exists($"/usr/bin/{tool}"))
                Assert.Ignore($"{tool} is not installed (Debian: qemu-user-static gcc-aarch64-linux-gnu libc6-dev-arm64-cross gcc python3; scripts/install-test-deps.sh installs them)");
        var executor = Path.Combine(Path.GetTempPath(), $"containment-executor-arm64-{Environment.ProcessId}");
        try
        {
            await using (var resource = typeof(ExecutorImage).Assembly.GetManifestResourceStream(ExecutorImage.ResourceName(Architecture.Arm64)))
            {
                Assert.That(resource, Is.Not.Null, "no arm64 executor embedded");
                await using var file = File.Create(executor);
                await resource!.CopyToAsync(file);
            }
            var start = new ProcessStartInfo("bash", [Script(), executor]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            TestContext.Out.WriteLine(await output);
            Assert.That(process.ExitCode, Is.Zero, $"{await output}\n{await errors}");
        }
        finally
        {
            File.Delete(executor);
        }
    }
}
