using System.Text.RegularExpressions;
using Containment.CriTests.Cri;
using Grpc.Core;

namespace Containment.CriTests;

/// <summary>What the kubelet reads about a container that ended on its own: ContainerStatus and the CRI log file.</summary>
public class ContainerExitTests(string handler) : CriTest(handler)
{
    [Test]
    public async Task A_failing_container_reports_its_exit_code_reason_and_log()
    {
        var pod = await Pod.RunAsync(Handler);
        var id = await pod.RunAsync("failing", "echo to-stdout; echo to-stderr >&2; exit 3");
        var status = await pod.AwaitExitAsync(id);
        Assert.Multiple(() =>
        {
            Assert.That((status.ExitCode, status.Reason), Is.EqualTo((3, "Error")));
            Assert.That(status.StartedAt, Is.Positive);
            Assert.That(status.FinishedAt, Is.Positive);
            Assert.That(status.LogPath, Is.EqualTo(Path.Combine(pod.Config.LogDirectory, "failing/0.log")));
        });
        // CRI's log format: RFC 3339 time, stream, F (a full line) or P (partial), the line.
        var lines = File.ReadAllLines(status.LogPath);
        Assert.That(lines, Has.One.Match(@"^\S+Z stdout F to-stdout$").And.One.Match(@"^\S+Z stderr F to-stderr$"), string.Join('\n', lines));
        await pod.RemoveContainerAsync(id);
        Assert.That(await pod.RemoveAsync(Handler), Is.Empty, "left behind");
    }

    [Test]
    public async Task A_command_that_does_not_exist_fails_StartContainer_with_StartError()
    {
        var pod = await Pod.RunAsync(Handler);
        var id = await pod.CreateAsync("missing", "", c =>
        {
            c.Command.Clear();
            c.Command.Add("/no/such/binary");
        });
        RpcException? error = null;
        try { await pod.StartAsync(id); }
        catch (RpcException e) { error = e; }
        var status = await pod.StatusAsync(id);
        Assert.That(error?.Status.Detail, Does.Contain("/no/such/binary"), "the error names the missing executable");
        Assert.That((status.State, status.ExitCode, status.Reason), Is.EqualTo((ContainerState.ContainerExited, 128, "StartError")));
        Assert.That(status.Message, Does.Contain("/no/such/binary"));
        await pod.RemoveContainerAsync(id);
        Assert.That(await pod.RemoveAsync(Handler), Is.Empty, "left behind");
    }
}
