using System.Text.Json;
using Containment.CriTests.Cri;
using Containment.IntegrationTests.Support;

namespace Containment.CriTests;

/// <summary>
/// One pod, driven as the kubelet drives it: RunPodSandbox with the pod's config (host network, a cgroupfs parent per
/// pod, a log directory per pod), containers created with the same sandbox config and the pod's namespace options,
/// then StopPodSandbox and RemovePodSandbox. Every call has a deadline, so a hung runtime fails the test.
/// </summary>
public sealed class Pod
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The kubelet's lists for an unprivileged container (procMount: Default). It always sends them: containerd puts
    /// exactly these in the OCI config, none when the request has none.
    /// </summary>
    private static readonly string[] MaskedPaths =
        ["/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware"];

    private static readonly string[] ReadonlyPaths = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"];

    private readonly PrivateContainerd _node;
    private readonly List<string> _containers = [];

    private Pod(PrivateContainerd node, string id, PodSandboxConfig config)
    {
        _node = node;
        Id = id;
        Config = config;
    }

    public string Id { get; }

    public PodSandboxConfig Config { get; }

    /// <summary>The pod's cgroup (cgroupfs syntax): the parent of its containers' cgroups, the kubelet's to make and remove.</summary>
    public string CgroupParent => Config.Linux.CgroupParent;

    private RuntimeService.RuntimeServiceClient Runtime => _node.Runtime;

    private static DateTime Deadline => DateTime.UtcNow + CallTimeout;

    /// <summary>
    /// RunPodSandbox with <paramref name="handler"/> (the RuntimeClass' handler), the pod's pid namespace mode, its
    /// network (NODE: host network; POD: a network namespace of its own on the node's CNI bridge, the pod's name as
    /// its hostname), and whatever <paramref name="configure"/> adds (sysctls).
    /// </summary>
    public static async Task<Pod> RunAsync(string handler, NamespaceMode pid = NamespaceMode.Container, NamespaceMode network = NamespaceMode.Node,
        Action<PodSandboxConfig>? configure = null)
    {
        var node = Node.Containerd;
        var uid = Guid.NewGuid().ToString();
        var config = new PodSandboxConfig
        {
            Metadata = new PodSandboxMetadata { Name = "p-" + uid[..8], Uid = uid, Namespace = "default" },
            Hostname = network == NamespaceMode.Node ? "" : "p-" + uid[..8],
            LogDirectory = Path.Combine(node.LogDirectory, uid),
            Linux = new LinuxPodSandboxConfig
            {
                CgroupParent = $"{node.CgroupParent}/pod{uid}",
                SecurityContext = new LinuxSandboxSecurityContext
                {
                    NamespaceOptions = new NamespaceOption { Network = network, Pid = pid, Ipc = NamespaceMode.Pod },
                },
            },
        };
        configure?.Invoke(config);
        var response = await node.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = config, RuntimeHandler = handler }, deadline: Deadline);
        return new Pod(node, response.PodSandboxId, config);
    }

    /// <summary>CreateContainer running <c>sh -c <paramref name="script"/></c>; <paramref name="configure"/> adds resources or a security context.</summary>
    public async Task<string> CreateAsync(string name, string script, Action<ContainerConfig>? configure = null)
    {
        var config = new ContainerConfig
        {
            Metadata = new ContainerMetadata { Name = name },
            Image = new ImageSpec { Image = PrivateContainerd.Image },
            Command = { "/bin/sh", "-c", script },
            LogPath = $"{name}/0.log",
            Linux = new LinuxContainerConfig
            {
                Resources = new LinuxContainerResources(),
                SecurityContext = new LinuxContainerSecurityContext
                {
                    NamespaceOptions = Config.Linux.SecurityContext.NamespaceOptions.Clone(),
                    MaskedPaths = { MaskedPaths },
                    ReadonlyPaths = { ReadonlyPaths },
                },
            },
        };
        configure?.Invoke(config);
        var response = await Runtime.CreateContainerAsync(new CreateContainerRequest { PodSandboxId = Id, Config = config, SandboxConfig = Config }, deadline: Deadline);
        _containers.Add(response.ContainerId);
        return response.ContainerId;
    }

    public async Task<PodSandboxStatus> SandboxStatusAsync() =>
        (await Runtime.PodSandboxStatusAsync(new PodSandboxStatusRequest { PodSandboxId = Id }, deadline: Deadline)).Status;

    public async Task StartAsync(string containerId) =>
        await Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = containerId }, deadline: Deadline);

    /// <summary>CreateContainer then StartContainer.</summary>
    public async Task<string> RunAsync(string name, string script, Action<ContainerConfig>? configure = null)
    {
        var id = await CreateAsync(name, script, configure);
        await StartAsync(id);
        return id;
    }

    public async Task<ContainerStatus> StatusAsync(string containerId) =>
        (await Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = containerId }, deadline: Deadline)).Status;

    /// <summary>The container's init process on the host, from ContainerStatus' verbose info (containerd's "pid").</summary>
    public async Task<int> HostPidAsync(string containerId)
    {
        var response = await Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = containerId, Verbose = true }, deadline: Deadline);
        using var info = JsonDocument.Parse(response.Info["info"]);
        return info.RootElement.GetProperty("pid").GetInt32();
    }

    /// <summary>ExecSync: the command's exit code and its stdout and stderr, separately.</summary>
    public async Task<(int ExitCode, string Stdout, string Stderr)> ExecAsync(string containerId, params string[] command)
    {
        var request = new ExecSyncRequest { ContainerId = containerId, Timeout = 30 };
        request.Cmd.AddRange(command);
        var response = await Runtime.ExecSyncAsync(request, deadline: Deadline);
        return (response.ExitCode, response.Stdout.ToStringUtf8(), response.Stderr.ToStringUtf8());
    }

    /// <summary>Polls ContainerStatus until the container has exited.</summary>
    public async Task<ContainerStatus> AwaitExitAsync(string containerId)
    {
        for (var i = 0; i < 600; i++, await Task.Delay(100))
        {
            var status = await StatusAsync(containerId);
            if (status.State == ContainerState.ContainerExited)
                return status;
        }
        Assert.Fail($"container {containerId} did not exit within a minute");
        return null!;
    }

    /// <summary>StopContainer: SIGTERM (the image's stop signal), SIGKILL after <paramref name="gracePeriodSeconds"/>.</summary>
    public async Task StopAsync(string containerId, long gracePeriodSeconds) =>
        await Runtime.StopContainerAsync(new StopContainerRequest { ContainerId = containerId, Timeout = gracePeriodSeconds }, deadline: DateTime.UtcNow + CallTimeout + TimeSpan.FromSeconds(gracePeriodSeconds));

    public async Task RemoveContainerAsync(string containerId) =>
        await Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = containerId }, deadline: Deadline);

    /// <summary>
    /// StopPodSandbox and RemovePodSandbox, then what the pod left: containers or the sandbox still listed, processes
    /// in the pod's cgroup, cgroup directories of its containers, entries in the runtime's state root, containerd's
    /// mounts of its containers, shims still running. Empty when nothing is left. The pod's own cgroup directory
    /// (the kubelet's) is removed afterwards.
    /// </summary>
    public async Task<IReadOnlyList<string>> RemoveAsync(string handler)
    {
        await Runtime.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = Id }, deadline: Deadline);
        await Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = Id }, deadline: Deadline);
        IReadOnlyList<string> left = [];
        for (var i = 0; i < 100; i++, await Task.Delay(100))
        {
            left = await LeftoversAsync(handler);
            if (left.Count == 0)
                break;
        }
        PrivateContainerd.RemoveCgroups(CgroupParent);
        return left;
    }

    private async Task<IReadOnlyList<string>> LeftoversAsync(string handler)
    {
        var ids = _containers.Append(Id).ToList();
        var left = new List<string>();
        var pods = await Runtime.ListPodSandboxAsync(new ListPodSandboxRequest(), deadline: Deadline);
        left.AddRange(pods.Items.Where(p => p.Id == Id).Select(p => $"sandbox {p.Id} still listed ({p.State})"));
        var containers = await Runtime.ListContainersAsync(new ListContainersRequest(), deadline: Deadline);
        left.AddRange(containers.Containers.Where(c => ids.Contains(c.Id)).Select(c => $"container {c.Metadata.Name} still listed ({c.State})"));
        left.AddRange(ProcScan.InCgroup(CgroupParent + "/").Select(p => $"process {p} in the pod's cgroup"));
        left.AddRange(PrivateContainerd.CgroupDirectories(CgroupParent).SelectMany(Directory.EnumerateDirectories).Select(d => $"cgroup directory {d}"));
        var stateRoot = _node.StateRoot(handler);
        if (Directory.Exists(stateRoot))
            left.AddRange(Directory.EnumerateFileSystemEntries(stateRoot).Where(e => ids.Contains(Path.GetFileName(e))).Select(e => $"runtime state {e}"));
        left.AddRange(ids.SelectMany(_node.MountsOf).Select(m => $"containerd mount {m}"));
        left.AddRange(_node.Shims(Id).Select(p => $"shim process {p}"));
        return left;
    }
}
