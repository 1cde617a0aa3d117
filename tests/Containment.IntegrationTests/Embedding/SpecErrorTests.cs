namespace Containment.IntegrationTests.Embedding;

/// <summary>Issue 15, trap 8: configuration mistakes are spec errors, reported before anything starts.</summary>
public class SpecErrorTests
{
    [Test]
    public void A_standard_stream_file_in_a_missing_directory_is_a_spec_error()
    {
        var spec = ContainerSpec.HostReadOnly().WithProcess(p => p.Args("true").StandardOutput(Stdio.File("/nonexistent-containment-dir/out.txt")));
        var e = Assert.ThrowsAsync<ContainerSpecException>(() => ContainerProcess.StartAsync(spec));
        Assert.That(e!.Errors.Single().Field, Is.EqualTo("process.stdout"));
        Assert.That(e.Message, Does.Contain("/nonexistent-containment-dir").And.Contain("does not exist"));
    }
}
