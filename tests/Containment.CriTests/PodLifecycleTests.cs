using Containment.CriTests.Cri;
using Containment.IntegrationTests.Support;

namespace Containment.CriTests;

/// <summary>
/// The kubelet's call sequence for one pod, end to end, with each runtime handler: the runc handler is the reference
/// (a test that fails with runc is wrong), the containment handler is what is tested.
/// </summary>
public class PodLifecycleTests(string handler) : CriTest(handler)
{
    /// <summary>Exits 0 on SIGTERM (after the current one-second sleep).</summary>
    private const string StopsOnTerm = "echo started; trap 'echo terminated; exit 0' TERM; while :; do sleep 1; done";

    /// <summary>Ignores SIGTERM: only the SIGKILL after the grace period stops it.</summary>
    private const string IgnoresTerm = "trap '' TERM; while :; do sleep 1; done";

    [Test]
    public async Task A_pod_runs_execs_shares_its_namespaces_stops_and_leaves_nothing()
    {
        var pod = await Pod.RunAsync(Handler, pid: NamespaceMode.Pod);
        var status = (await Node.Containerd.Runtime.PodSandboxStatusAsync(new PodSandboxStatusRequest { PodSandboxId = pod.Id })).Status;
        Assert.That((status.State, status.RuntimeHandler), Is.EqualTo((PodSandboxState.SandboxReady, Handler)));

        var first = await pod.CreateAsync("first", StopsOnTerm);
        Assert.That((await pod.StatusAsync(first)).State, Is.EqualTo(ContainerState.ContainerCreated));
        await pod.StartAsync(first);
        Assert.That((await pod.StatusAsync(first)).State, Is.EqualTo(ContainerState.ContainerRunning));
        Assert.That(Directory.Exists(Path.Combine(Node.Containerd.StateRoot(Handler), first)), Is.True, $"the {Handler} handler's binary keeps the container's state");

        Assert.That(await pod.ExecAsync(first, "sh", "-c", "echo out; echo err >&2; exit 7"), Is.EqualTo((7, "out\n", "err\n")));

        var second = await pod.RunAsync("second", IgnoresTerm);
        var nodeNs = Namespaces(Node.Containerd.Pid);
        var firstNs = await NamespacesInside(pod, first);
        var secondNs = await NamespacesInside(pod, second);
        Assert.Multiple(() =>
        {
            Assert.That(secondNs["pid"], Is.EqualTo(firstNs["pid"]).And.Not.EqualTo(nodeNs["pid"]), "pid: POD, shared by the pod's containers");
            Assert.That(secondNs["ipc"], Is.EqualTo(firstNs["ipc"]).And.Not.EqualTo(nodeNs["ipc"]), "ipc: POD");
            Assert.That((firstNs["net"], secondNs["net"]), Is.EqualTo((nodeNs["net"], nodeNs["net"])), "net: NODE (host network)");
            Assert.That((firstNs["uts"], secondNs["uts"]), Is.EqualTo((nodeNs["uts"], nodeNs["uts"])), "uts follows a host-network pod's network");
            Assert.That(secondNs["mnt"], Is.Not.EqualTo(firstNs["mnt"]).And.Not.EqualTo(nodeNs["mnt"]), "every container has its own root");
        });
        // In the pod's pid namespace the sandbox's pause process is pid 1, and the second container sees the first's processes.
        var (code, ps, _) = await pod.ExecAsync(second, "ps", "-o", "pid,args");
        Assert.That(code, Is.Zero);
        Assert.That(ps, Does.Match(@"\n\s*1 /bin/sh -c trap 'exit 0' TERM INT").And.Contain("echo started"));

        await pod.StopAsync(first, gracePeriodSeconds: 30);
        var firstStatus = await pod.StatusAsync(first);
        Assert.That((firstStatus.State, firstStatus.ExitCode, firstStatus.Reason), Is.EqualTo((ContainerState.ContainerExited, 0, "Completed")),
            "SIGTERM reaches the container, which exits 0");
        Assert.That(File.ReadAllText(firstStatus.LogPath), Does.Match(@"stdout F started\n.* stdout F terminated\n"));

        await pod.StopAsync(second, gracePeriodSeconds: 1);
        var secondStatus = await pod.StatusAsync(second);
        Assert.That((secondStatus.State, secondStatus.ExitCode), Is.EqualTo((ContainerState.ContainerExited, 137)), "SIGKILL after the grace period");

        await pod.RemoveContainerAsync(first);
        await pod.RemoveContainerAsync(second);
        Assert.That(await pod.RemoveAsync(Handler), Is.Empty, "left behind");
    }

    [Test]
    public async Task Containers_with_pid_CONTAINER_have_their_own_pid_namespace_and_share_ipc()
    {
        var pod = await Pod.RunAsync(Handler, pid: NamespaceMode.Container);
        var first = await pod.RunAsync("first", IgnoresTerm);
        var second = await pod.RunAsync("second", IgnoresTerm);
        var firstNs = await NamespacesInside(pod, first);
        var secondNs = await NamespacesInside(pod, second);
        Assert.Multiple(() =>
        {
            Assert.That(secondNs["pid"], Is.Not.EqualTo(firstNs["pid"]));
            Assert.That(secondNs["ipc"], Is.EqualTo(firstNs["ipc"]));
        });
        Assert.That((await pod.ExecAsync(second, "cat", "/proc/1/cmdline")).Stdout, Does.Contain("trap ''"), "pid 1 is the container's own command");
        // StopPodSandbox stops running containers itself.
        Assert.That(await pod.RemoveAsync(Handler), Is.Empty, "left behind");
    }

    private static Dictionary<string, string> Namespaces(int pid) =>
        new[] { "pid", "ipc", "net", "uts", "mnt" }.ToDictionary(k => k, k => ProcScan.Namespace(pid, k) ?? "gone");

    private static async Task<Dictionary<string, string>> NamespacesInside(Pod pod, string container)
    {
        var (code, stdout, stderr) = await pod.ExecAsync(container, "sh", "-c", "for n in pid ipc net uts mnt; do echo $n $(readlink /proc/self/ns/$n); done");
        Assert.That(code, Is.Zero, stderr);
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')).ToDictionary(p => p[0], p => p[1]);
    }
}
