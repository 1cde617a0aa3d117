using System.Diagnostics;
using Containment.IntegrationTests.Support;

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

    [TestCase(false)]
    [TestCase(true)]
    public async Task The_whole_lifecycle_works_when_the_host_is_pid_1_of_its_pid_namespace(bool sigchldIgnored)
    {
        // Start (with a cgroup and mounts), a joined process with its own exit code, kill, wait, dispose; then the host
        // counts its zombie children. With SIGCHLD ignored, .NET reaps every child itself (waitpid(-1)).
        using var rootfs = TestRootfs.Create();
        var id = $"pid1-{Guid.NewGuid():N}"[..20];
        var script = $"{(sigchldIgnored ? "trap '' CHLD; " : "")}exec dotnet {TestHost} /bin/sleep 1000";
        var psi = new ProcessStartInfo("unshare") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--pid", "--fork", "--mount-proc", "/bin/sh", "-c", script })
            psi.ArgumentList.Add(a);
        psi.Environment["CONTAINMENT_TESTHOST_ROOTFS"] = rootfs.Path;
        psi.Environment["CONTAINMENT_TESTHOST_PIDS_MAX"] = "64";
        psi.Environment["CONTAINMENT_TESTHOST_ID"] = id;
        psi.Environment["CONTAINMENT_TESTHOST_MODE"] = "cycle";
        using var host = Process.Start(psi)!;
        var output = await host.StandardOutput.ReadToEndAsync();
        await host.WaitForExitAsync();
        Assert.That(output, Does.Match(@"^pid \d+\nexec-exit 5\nexit 137\ncgroups-left 0\nzombies 0\n$"), await host.StandardError.ReadToEndAsync());
        Assert.That(host.ExitCode, Is.Zero);
        Assert.That(Leftovers.CgroupDirectories(id), Is.Empty);
    }
}
