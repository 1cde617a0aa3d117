using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Containment.Networking;

namespace Containment.IntegrationTests.Support;

/// <summary>
/// A network namespace that plays "the host" for CNI tests (<c>ip netns add</c>, only <c>lo</c> up): the plugins run in
/// it, so the bridge, veth host ends, routes and portmap's rules are made there and never in the machine's own network
/// namespace. Its host-local leases live in a temp directory. Dispose deletes the namespace and the directory.
/// </summary>
public sealed partial class TestHostNetwork : IDisposable
{
    private const int CLONE_NEWNET = 0x40000000;

    private TestHostNetwork(string name, string dataDir)
    {
        Name = name;
        DataDir = dataDir;
    }

    public string Name { get; }

    public string Path => $"/run/netns/{Name}";

    public string DataDir { get; }

    /// <summary>The bridge's gateway in <see cref="Bridge"/> networks: the host's address on the bridge.</summary>
    public static IPAddress Gateway => IPAddress.Parse("10.231.0.1");

    public static TestHostNetwork Create()
    {
        var name = "cnitest-" + Guid.NewGuid().ToString("N")[..8];
        Ip("netns", "add", name);
        Ip("-n", name, "link", "set", "lo", "up");
        return new TestHostNetwork(name, Directory.CreateTempSubdirectory("containment-cni-").FullName);
    }

    /// <summary>A bridge network (10.231.0.0/24) whose plugins run in this namespace and keep their leases in <see cref="DataDir"/>.</summary>
    public CniNetwork Bridge(string name = "testnet", Action<CniBridgeBuilder>? configure = null) =>
        CniNetwork.Bridge(name, "10.231.0.0/24", b => { b.DataDir(DataDir); configure?.Invoke(b); }).WithPluginNetworkNamespace(Path);

    /// <summary>host-local's lease files of network <paramref name="network"/> (one per address).</summary>
    public string[] Leases(string network = "testnet") =>
        Directory.Exists(System.IO.Path.Combine(DataDir, network))
            ? Directory.GetFiles(System.IO.Path.Combine(DataDir, network)).Select(f => System.IO.Path.GetFileName(f)).Where(f => IPAddress.TryParse(f, out _)).ToArray()
            : [];

    /// <summary>The interfaces in this namespace (<c>ip -o link</c> names).</summary>
    public string[] Links() => Ip("-n", Name, "-o", "link", "show").Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(l => l.Split(':')[1].Trim().Split('@')[0]).ToArray();

    /// <summary>The veth host ends in this namespace.</summary>
    public string[] Veths() => Links().Where(l => l.StartsWith("veth", StringComparison.Ordinal)).ToArray();

    /// <summary>
    /// Connects from this namespace to <paramref name="endpoint"/> and returns the first bytes it sends; a server that does
    /// not listen yet (refused, reset), or whose network is not up yet (unreachable), is retried until <paramref name="cancellationToken"/> ends.
    /// </summary>
    public async Task<string> ReadFromAsync(IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        while (true)
        {
            using var socket = Socket();
            try
            {
                await socket.ConnectAsync(endpoint, cancellationToken);
                var buffer = new byte[256];
                var n = await socket.ReceiveAsync(buffer, cancellationToken);
                if (n > 0)
                    return System.Text.Encoding.ASCII.GetString(buffer, 0, n);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionRefused or SocketError.ConnectionReset
                or SocketError.NetworkUnreachable or SocketError.HostUnreachable)
            {
            }
            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>The namespace's iptables rules (iptables-save).</summary>
    public string Rules() => Run("ip", "netns", "exec", Name, "iptables-save");

    /// <summary>A TCP socket made in this namespace (a socket stays in the namespace it was made in).</summary>
    public Socket Socket() => InNamespace(() => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));

    /// <summary>A listener on <paramref name="port"/> of every address of this namespace.</summary>
    public TcpListener Listen(int port) => InNamespace(() =>
    {
        var listener = new TcpListener(IPAddress.Any, port);
        listener.Start();
        return listener;
    });

    /// <summary>
    /// Runs <paramref name="make"/> on a thread of its own that has entered this namespace and leaves it again before it
    /// ends: setns changes only the calling thread, and a thread of the pool must never carry another namespace.
    /// </summary>
    private T InNamespace<T>(Func<T> make)
    {
        T? made = default;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            using var own = File.OpenHandle("/proc/thread-self/ns/net");
            using var target = File.OpenHandle(Path);
            if (Setns(target.DangerousGetHandle(), CLONE_NEWNET) != 0)
            {
                error = new InvalidOperationException($"setns({Path}): errno {Marshal.GetLastPInvokeError()}");
                return;
            }
            try
            {
                made = make();
            }
            catch (Exception e)
            {
                error = e;
            }
            finally
            {
                if (Setns(own.DangerousGetHandle(), CLONE_NEWNET) != 0)
                    Environment.FailFast("could not leave the test's network namespace");
            }
        });
        thread.Start();
        thread.Join();
        return error is null ? made! : throw error;
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int Setns(nint fd, int nstype);

    public static string Ip(params string[] args) => Run("ip", args);

    private static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)}: exit {p.ExitCode}: {stderr}");
        return stdout.Result;
    }

    public void Dispose()
    {
        Ip("netns", "del", Name);
        Directory.Delete(DataDir, recursive: true);
    }
}
