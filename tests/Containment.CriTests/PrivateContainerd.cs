using System.Diagnostics;
using System.Net.Sockets;
using Containment.CriTests.Cri;
using Containment.IntegrationTests.Clients;
using Containment.IntegrationTests.Support;
using Grpc.Net.Client;

namespace Containment.CriTests;

/// <summary>
/// A containerd of the tests' own, with its CRI plugin: root, state, socket, config, CNI config, the runtimes' state
/// roots, the pod network's address records and the pods' logs all live in one temp directory. It runs in a new mount
/// namespace (its snapshot mounts never appear in the machine's, and private tmpfs on /run and /var/lib take what its
/// defaults would write there: the shim's sockets, CRI's pod network namespaces, CNI's result cache) and a new network
/// namespace (a "host network" pod gets that one, and the pod network's bridge lives there, never in the machine's).
/// Two runtime handlers, both through the runc v2 shim: <c>runc</c> (the reference) and <c>containment</c> (the
/// published CLI as <c>BinaryName</c>).
/// </summary>
public sealed class PrivateContainerd : IAsyncDisposable
{
    /// <summary>The one image: busybox, its Cmd the pause process (sleeps; exits 0 on SIGTERM). Pods' containers name their command.</summary>
    public const string Image = "docker.io/library/containment-cri:1";

    private const string Pause = "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done";

    private readonly Process _daemon;

    private PrivateContainerd(string dir, Process daemon, GrpcChannel channel)
    {
        Dir = dir;
        _daemon = daemon;
        Channel = channel;
        Runtime = new RuntimeService.RuntimeServiceClient(channel);
        Images = new ImageService.ImageServiceClient(channel);
    }

    public string Dir { get; }

    public GrpcChannel Channel { get; }

    public RuntimeService.RuntimeServiceClient Runtime { get; }

    public ImageService.ImageServiceClient Images { get; }

    /// <summary>containerd's pid: its namespaces are the "node's" for pods with NODE namespaces.</summary>
    public int Pid => _daemon.Id;

    /// <summary>The cgroupfs parent of every pod (each pod's cgroup is PARENT/pod-UID, as the kubelet's are under kubepods).</summary>
    public string CgroupParent { get; } = "/containment-cri-" + Guid.NewGuid().ToString("N")[..8];

    public string LogDirectory => Path.Combine(Dir, "logs");

    /// <summary>The runtime's state root (its <c>--root</c>) for a handler's containers in CRI's namespace.</summary>
    public string StateRoot(string handler) => Path.Combine(Dir, handler + "-root", "k8s.io");

    public static async Task<PrivateContainerd> StartAsync()
    {
        var containment = RuntimeBinary.Path;
        var dir = Directory.CreateTempSubdirectory("cri-").FullName;
        File.SetUnixFileMode(dir, (UnixFileMode)0x1ed);
        foreach (var sub in new[] { "cni-conf", "logs" })
            Directory.CreateDirectory(Path.Combine(dir, sub));
        File.WriteAllText(Path.Combine(dir, "cni-conf", "10-pods.conflist"), CniNetwork(dir));
        var config = Path.Combine(dir, "config.toml");
        File.WriteAllText(config, Config(dir, containment));
        var daemon = Process.Start(new ProcessStartInfo("unshare", ["--mount", "--net", "--propagation", "private", "--", "/bin/sh", "-c",
            "ip link set lo up && mount -t tmpfs -o mode=0755 cri-run /run && mount -t tmpfs -o mode=0755 cri-var-lib /var/lib && exec containerd --config \"$0\" 2>\"$1\"", config, Path.Combine(dir, "containerd.log")])
        {
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
        })!;
        daemon.StandardInput.Close();
        daemon.OutputDataReceived += (_, _) => { };
        daemon.BeginOutputReadLine();
        var channel = Connect(Path.Combine(dir, "containerd.sock"));
        var node = new PrivateContainerd(dir, daemon, channel);
        try
        {
            await node.AwaitReadyAsync();
            await node.ImportImageAsync();
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
        return node;
    }

    /// <summary>
    /// The configuration the tests prove (docs/kubernetes.md shows it): every path private, the native snapshotter
    /// (works on any filesystem), OOM score adjustments no lower than containerd's own (the sandbox asks for -998,
    /// which needs CAP_SYS_RESOURCE: the machines these tests run on withhold it, so runc and containment alike would
    /// fail to start the sandbox).
    /// </summary>
    private static string Config(string dir, string containment) => $"""
        version = 2
        root = "{dir}/root"
        state = "{dir}/state"
        [grpc]
          address = "{dir}/containerd.sock"
        [ttrpc]
          address = "{dir}/containerd.sock.ttrpc"
        [plugins."io.containerd.internal.v1.opt"]
          path = "{dir}/opt"
        [plugins."io.containerd.grpc.v1.cri"]
          sandbox_image = "{Image}"
          restrict_oom_score_adj = true
          [plugins."io.containerd.grpc.v1.cri".cni]
            bin_dir = "{CniPlugins}"
            conf_dir = "{dir}/cni-conf"
          [plugins."io.containerd.grpc.v1.cri".containerd]
            snapshotter = "native"
            default_runtime_name = "runc"
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
              runtime_type = "io.containerd.runc.v2"
              [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
                BinaryName = "runc"
                Root = "{dir}/runc-root"
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.containment]
              runtime_type = "io.containerd.runc.v2"
              [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.containment.options]
                BinaryName = "{containment}"
                Root = "{dir}/containment-root"
        """;

    /// <summary>Debian's containernetworking-plugins.</summary>
    public const string CniPlugins = "/usr/lib/cni";

    /// <summary>The pod subnet: on a bridge in containerd's own network namespace, never the machine's.</summary>
    public const string PodSubnet = "10.88.77.0/24";

    /// <summary>
    /// A bridge with host-local addresses (their records in the temp directory, not /var/lib/cni), no gateway and no
    /// masquerading: pods reach each other and nothing else, and nothing touches iptables or forwarding.
    /// </summary>
    private static string CniNetwork(string dir) => $$"""
        {
          "cniVersion": "0.4.0",
          "name": "cri-pods",
          "plugins": [
            {
              "type": "bridge", "bridge": "cri0", "isGateway": false, "ipMasq": false,
              "ipam": { "type": "host-local", "dataDir": "{{dir}}/cni-ipam", "ranges": [[{ "subnet": "{{PodSubnet}}" }]] }
            }
          ]
        }
        """;

    /// <summary>gRPC over containerd's unix socket: HTTP/2 with prior knowledge, every connection to the socket.</summary>
    private static GrpcChannel Connect(string socketPath) =>
        GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                ConnectCallback = async (_, cancellationToken) =>
                {
                    var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    try
                    {
                        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
            },
        });

    private async Task AwaitReadyAsync()
    {
        for (var i = 0; ; i++)
        {
            if (_daemon.HasExited)
                throw new InvalidOperationException($"containerd exited ({_daemon.ExitCode}): {ReadLog()}");
            try
            {
                var version = await Runtime.VersionAsync(new VersionRequest { Version = "v1" }, deadline: DateTime.UtcNow.AddSeconds(2));
                if (version.RuntimeApiVersion == "v1")
                    return;
            }
            catch (Grpc.Core.RpcException) when (i < 150)
            {
            }
            await Task.Delay(100);
        }
    }

    private async Task ImportImageAsync()
    {
        using var rootfs = TestRootfs.Create();
        File.SetUnixFileMode(rootfs.Path, (UnixFileMode)0x1ed);
        var tar = Path.Combine(Dir, "image.tar");
        var script = Path.Combine(RuntimeBinary.RepositoryRoot(), "tests/clients/oci-image.py");
        var (code, output) = Shell.Run("python3", [script, rootfs.Path, tar, Image, "/bin/sh", "-c", Pause]);
        Assert.That(code, Is.Zero, output);
        (code, output) = Shell.Run("ctr", ["--address", Path.Combine(Dir, "containerd.sock"), "-n", "k8s.io", "image", "import", "--snapshotter", "native", tar], TimeSpan.FromMinutes(1));
        Assert.That(code, Is.Zero, output);
        File.Delete(tar);
        // The CRI plugin learns of the import from containerd's events.
        for (var i = 0; i < 100; i++, await Task.Delay(100))
            if ((await Images.ImageStatusAsync(new ImageStatusRequest { Image = new ImageSpec { Image = Image } })).Image is not null)
                return;
        Assert.Fail($"the CRI plugin does not list {Image} after `ctr image import`");
    }

    public string ReadLog()
    {
        try { return File.ReadAllText(Path.Combine(Dir, "containerd.log")); }
        catch (IOException) { return ""; }
    }

    /// <summary>
    /// Processes in containerd's mount namespace but containerd: the shims (containers have mount namespaces of
    /// their own, found by their cgroup under <see cref="CgroupParent"/>). With <paramref name="podId"/>: that pod's
    /// shim only (the runc v2 shim serves one pod, its command line names the sandbox).
    /// </summary>
    public IReadOnlyList<int> Shims(string? podId = null)
    {
        var mnt = ProcScan.Namespace(Pid, "mnt");
        return mnt is null ? [] : ProcScan.AllPids().Where(p => p != Pid && ProcScan.State(p) is not ('Z' or null) && ProcScan.Namespace(p, "mnt") == mnt
            && (podId is null || CommandLine(p).Contains(podId, StringComparison.Ordinal))).ToList();
    }

    private static string CommandLine(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' '); }
        catch (IOException) { return ""; }
    }

    /// <summary>containerd's mounts (in its own namespace) whose path names <paramref name="id"/>.</summary>
    public IReadOnlyList<string> MountsOf(string id)
    {
        try
        {
            return File.ReadAllLines($"/proc/{Pid}/mountinfo").Select(l => l.Split(' ')[4]).Where(m => m.Contains(id, StringComparison.Ordinal)).ToList();
        }
        catch (IOException) { return []; }
    }

    /// <summary>Every directory of a cgroup path in every mounted hierarchy (v1: one per controller; v2: the unified one).</summary>
    public static IReadOnlyList<string> CgroupDirectories(string cgroupPath) =>
        File.ReadAllLines("/proc/self/mountinfo")
            .Select(l => l.Split(" - "))
            .Where(p => p[1].StartsWith("cgroup ", StringComparison.Ordinal) || p[1].StartsWith("cgroup2 ", StringComparison.Ordinal))
            .Select(p => p[0].Split(' ')[4] + cgroupPath)
            .Where(Directory.Exists)
            .ToList();

    /// <summary>Removes a cgroup directory tree, deepest first, as the kubelet removes a pod's cgroup.</summary>
    public static void RemoveCgroups(string cgroupPath)
    {
        foreach (var top in CgroupDirectories(cgroupPath))
            foreach (var dir in Directory.EnumerateDirectories(top, "*", SearchOption.AllDirectories).Reverse().Append(top))
            {
                try { Directory.Delete(dir); }
                catch (IOException) { }
            }
    }

    /// <summary>Stops and removes every pod still listed, as a kubelet would: what a failed test left must not fail the next.</summary>
    public async Task RemoveAllPodsAsync()
    {
        try
        {
            foreach (var pod in (await Runtime.ListPodSandboxAsync(new ListPodSandboxRequest(), deadline: DateTime.UtcNow.AddSeconds(30))).Items)
            {
                await Runtime.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = pod.Id }, deadline: DateTime.UtcNow.AddSeconds(60));
                await Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = pod.Id }, deadline: DateTime.UtcNow.AddSeconds(60));
            }
        }
        catch (Grpc.Core.RpcException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await RemoveAllPodsAsync();
        var shims = Shims();
        Channel.Dispose();
        if (!_daemon.HasExited)
        {
            _daemon.Kill();
            await _daemon.WaitForExitAsync();
        }
        _daemon.Dispose();
        // Only what this daemon started: shims in its mount namespace, containers in its pods' cgroups.
        foreach (var pid in shims.Concat(ProcScan.InCgroup(CgroupParent + "/")))
            _ = Kill(pid, 9);
        for (var i = 0; i < 50 && (ProcScan.InCgroup(CgroupParent + "/").Count > 0 || shims.Any(p => ProcScan.State(p) is not ('Z' or null))); i++)
            await Task.Delay(100);
        RemoveCgroups(CgroupParent);
        Directory.Delete(Dir, recursive: true);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
