using Containment.CriTests.Cri;

namespace Containment.CriTests;

/// <summary>
/// The container security context fields a pod spec sets, as the CRI plugin turns them into an OCI config: seccomp
/// RuntimeDefault (containerd's default profile), a read-only root, runAsUser/runAsGroup, the masked and read-only
/// /proc paths, and a sandbox sysctl reaching the pod's containers through the shared IPC namespace.
/// </summary>
public class SecurityContextTests(string handler) : CriTest(handler)
{
    private const string Sleeps = "trap '' TERM; while :; do sleep 1; done";

    [Test]
    public async Task RuntimeDefault_seccomp_blocks_what_its_profile_blocks_and_Unconfined_does_not()
    {
        var pod = await Pod.RunAsync(Handler);
        var confined = await pod.RunAsync("confined", Sleeps, c => c.Linux.SecurityContext.Seccomp = new SecurityProfile { ProfileType = SecurityProfile.Types.ProfileType.RuntimeDefault });
        var unconfined = await pod.RunAsync("unconfined", Sleeps, c => c.Linux.SecurityContext.Seccomp = new SecurityProfile { ProfileType = SecurityProfile.Types.ProfileType.Unconfined });
        // The default profile allows unshare(2) only with CAP_SYS_ADMIN, which a pod's container does not have; a new user
        // namespace needs no capability, so only the filter stands between the container and it.
        AssertFails(await pod.ExecAsync(confined, "unshare", "-U", "true"), "Operation not permitted");
        Assert.That(await pod.ExecAsync(unconfined, "unshare", "-U", "true"), Is.EqualTo((0, "", "")));
        Assert.That((await pod.ExecAsync(confined, "grep", "^Seccomp:", "/proc/self/status")).Stdout, Is.EqualTo("Seccomp:\t2\n"));
        Assert.That((await pod.ExecAsync(unconfined, "grep", "^Seccomp:", "/proc/self/status")).Stdout, Is.EqualTo("Seccomp:\t0\n"));
        Assert.That(await pod.RemoveAsync(Handler), Is.Empty, "left behind");
    }

    [Test]
    public async Task A_read_only_root_refuses_writes_and_a_writable_one_takes_them()
    {
        var pod = await Pod.RunAsync(Handler);
        var readOnly = await pod.RunAsync("read-only", Sleeps, c => c.Linux.SecurityContext.ReadonlyRootfs = true);
        var writable = await pod.RunAsync("writable", Sleeps);
        AssertFails(await pod.ExecAsync(readOnly, "touch", "/x"), "Read-only file system");
        Assert.That(await pod.ExecAsync(writable, "touch", "/x"), Is.EqualTo((0, "", "")));
        Assert.That(await pod.RemoveAsync(Handler), Is.Empty, "left behind");
    }

    [Test]
    public async Task RunAsUser_and_RunAsGroup_set_the_ids_and_leave_no_effective_capabilities()
    {
        var pod = await Pod.RunAsync(Handler);
        var id = await pod.RunAsync("user", Sleeps, c =>
        {
            c.Linux.SecurityContext.RunAsUser = new Int64Value { Value = 1000 };
            c.Linux.SecurityContext.RunAsGroup = new Int64Value { Value = 3000 };
        });
        Assert.That(await pod.ExecAsync(id, "grep", "-E", "^(Uid|Gid|CapEff):", "/proc/self/status"),
            Is.EqualTo((0, "Uid:\t1000\t1000\t1000\t1000\nGid:\t3000\t3000\t3000\t3000\nCapEff:\t0000000000000000\n", "")));
        var (_, ps, _) = await pod.ExecAsync(id, "cat", "/proc/1/status");
        Assert.That(ps, Does.Contain("Uid:\t1000\t1000\t1000\t1000"), "the container's own process, not only the exec");
        Assert.That(await pod.RemoveAsync(Handler), Is.Empty, "left behind");
    }

    [Test]
    public async Task The_masked_and_read_only_proc_paths_hold()
    {
        var pod = await Pod.RunAsync(Handler);
        var id = await pod.RunAsync("plain", Sleeps);
        // Masked: /proc/timer_list (a /dev/null bind: reads nothing), /sys/firmware (an empty read-only tmpfs); both
        // have content on the node. /proc/sys is read-only (shm_rmid_forced: in the pod's IPC namespace, harmless if it were not).
        Assert.That(File.ReadAllText("/proc/timer_list"), Is.Not.Empty);
        Assert.That(Directory.EnumerateFileSystemEntries("/sys/firmware"), Is.Not.Empty);
        Assert.That(await pod.ExecAsync(id, "sh", "-c", "wc -c < /proc/timer_list; ls -A /sys/firmware"), Is.EqualTo((0, "0\n", "")));
        AssertFails(await pod.ExecAsync(id, "sh", "-c", "echo 1 > /proc/sys/kernel/shm_rmid_forced"), "Read-only file system");
        Assert.That(await pod.RemoveAsync(Handler), Is.Empty, "left behind");
    }

    [Test]
    public async Task A_sandbox_sysctl_reaches_the_pods_containers_through_the_shared_ipc_namespace()
    {
        var pod = await Pod.RunAsync(Handler, configure: p => p.Linux.Sysctls["kernel.shm_rmid_forced"] = "1");
        var id = await pod.RunAsync("plain", Sleeps);
        Assert.That(await pod.ExecAsync(id, "cat", "/proc/sys/kernel/shm_rmid_forced"), Is.EqualTo((0, "1\n", "")));
        Assert.That(File.ReadAllText("/proc/sys/kernel/shm_rmid_forced").Trim(), Is.EqualTo("0"), "the node's own value is untouched");
        Assert.That(await pod.RemoveAsync(Handler), Is.Empty, "left behind");
    }

    /// <summary>The command failed, and said why.</summary>
    private static void AssertFails((int ExitCode, string Stdout, string Stderr) result, string error)
    {
        Assert.That(result.ExitCode, Is.Not.Zero, result.Stdout);
        Assert.That(result.Stderr, Does.Contain(error));
    }
}
