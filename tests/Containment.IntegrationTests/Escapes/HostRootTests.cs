using Containment.IntegrationTests.Support;

namespace Containment.IntegrationTests.Escapes;

/// <summary>
/// Reaching the host's root from a default container: through /proc/PID/root of every process it can see (its own
/// pid 1 included) and of the host's pid number, /proc/self/cwd, .. walks from the root and from an open directory
/// descriptor, and the chroot breakout that CAP_SYS_CHROOT (a default capability) allows. A host file outside the
/// rootfs holds a random secret; no attempt may read it or write beside it.
/// </summary>
public class HostRootTests
{
    private static string Attacks(string secret, string dir) => $"""
        for p in /proc/[0-9]*; do cat $p/root{secret} $p/root/../../../..{secret}; echo x > $p/root{dir}/from-proc-root; done
        cat /proc/1/root{secret} /proc/self/root{secret} /proc/{Environment.ProcessId}/root{secret}
        cat /proc/self/cwd/../../../..{secret} /../../../..{secret} /proc/self/root/../../..{secret}
        cd /proc/self/cwd/../../../.. && cat .{secret}
        echo x > /../../..{dir}/from-dotdot; echo x > /proc/1/cwd/../..{dir}/from-cwd
        /bin/escape openat {secret}
        /bin/escape chroot {secret}
        echo done
        """;

    /// <summary>Runs the attacks with <paramref name="run"/> and checks the host file and directory.</summary>
    private static async Task AssertHostUnreachable(Func<string, Task<Run.Result>> run)
    {
        var dir = Directory.CreateTempSubdirectory("containment-escape-host-").FullName;
        var secret = Path.Combine(dir, "secret");
        var value = Guid.NewGuid().ToString("N");
        File.WriteAllText(secret, value + "\n");
        try
        {
            var r = await run(Attacks(secret, dir));
            TestContext.Out.WriteLine(r.Stdout + r.Stderr);
            Assert.That(r.Stdout, Does.EndWith("done\n"), r.Stderr);
            Assert.That(r.Stdout + r.Stderr, Does.Not.Contain(value), "the host file was read");
            Assert.That(r.Stdout, Does.Contain("errno=2\n"), "openat and chroot reported their failures");
            Assert.That(Directory.GetFileSystemEntries(dir), Is.EqualTo(new[] { secret }), "something was written beside the host file");
            Assert.That(File.ReadAllText(secret), Is.EqualTo(value + "\n"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public async Task A_default_container_cannot_reach_the_host_root_through_proc_root_cwd_dotdot_or_chroot()
    {
        using var rootfs = TestRootfs.Create();
        EscapeProbe.InstallInto(rootfs);
        await AssertHostUnreachable(script => Run.ToCompletion(ContainerSpec.FromRootfs(rootfs.Path).WithProcess(p => p.Args("/bin/sh", "-c", script))));
    }

    [Test]
    public async Task A_container_entered_without_pivot_root_cannot_reach_the_host_root_through_proc_root_cwd_dotdot_or_chroot()
    {
        // MS_MOVE + chroot leaves the host's root beneath the container's in its mount namespace: the classic chroot
        // breakout's target.
        using var rootfs = TestRootfs.Create();
        EscapeProbe.InstallInto(rootfs);
        await AssertHostUnreachable(script => Run.ToCompletion(ContainerSpec.FromRootfs(rootfs.Path).WithNoPivotRoot()
            .WithProcess(p => p.Args("/bin/sh", "-c", script))));
    }

    [Test]
    public async Task A_process_execd_into_a_container_cannot_reach_the_host_root_through_proc_root_cwd_dotdot_or_chroot()
    {
        using var rootfs = TestRootfs.Create();
        EscapeProbe.InstallInto(rootfs);
        await using var first = await ContainerProcess.StartAsync(ContainerSpec.FromRootfs(rootfs.Path).WithProcess(p => p.Args("/bin/sleep", "60")));
        await AssertHostUnreachable(script => Run.ToCompletion(ContainerSpec.JoinRunning(first.Pid).WithProcess(p => p.Args("/bin/sh", "-c", script))));
    }
}
