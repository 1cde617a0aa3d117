using System.Diagnostics;

namespace Containment.IntegrationTests.Launch;

public class HostLifetimeTests
{
    private static string TestHost => Path.Combine(AppContext.BaseDirectory, "Containment.TestHost.dll");

    private static Process StartHost(string fileName, params string[] args)
    {
        var psi = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        return Process.Start(psi)!;
    }

    private static int ReadPid(Process host)
    {
        var line = host.StandardOutput.ReadLine();
        // Only read stderr on failure: it stays open as long as the container, which inherits it.
        if (line is null || !line.StartsWith("pid "))
            Assert.Fail($"the test host printed '{line}': {host.StandardError.ReadToEnd()}");
        return int.Parse(line![4..]);
    }

    [Test]
    public async Task A_host_killed_with_SIGKILL_takes_its_container_with_it()
    {
        using var host = StartHost("dotnet", TestHost, "sleep", "300");
        var pid = ReadPid(host);
        Assert.That(Directory.Exists($"/proc/{pid}"), Is.True);
        host.Kill();
        await host.WaitForExitAsync();
        var gone = false;
        for (var i = 0; i < 100 && !gone; i++)
        {
            gone = !Directory.Exists($"/proc/{pid}");
            if (!gone)
                await Task.Delay(50);
        }
        Assert.That(gone, Is.True, $"container pid {pid} survived its host");
    }

    [Test]
    public async Task The_exit_status_arrives_when_the_host_is_pid_1_and_reaps_every_child()
    {
        // With SIGCHLD ignored at startup, .NET reaps every child with waitpid(-1) (pal_signal.c): the exit
        // status must still arrive, over the executor's socket.
        var script = $"trap '' CHLD; exec dotnet {TestHost} /bin/sh -c 'exit 7'";
        using var host = StartHost("unshare", "--pid", "--fork", "--mount-proc", "/bin/sh", "-c", script);
        var output = await host.StandardOutput.ReadToEndAsync();
        await host.WaitForExitAsync();
        Assert.That(output, Does.Match(@"pid \d+\nexit 7\n"), await host.StandardError.ReadToEndAsync());
    }
}
