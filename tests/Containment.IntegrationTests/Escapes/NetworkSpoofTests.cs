using System.Net;
using System.Net.Sockets;
using System.Text;
using Containment.IntegrationTests.Support;
using Containment.Networking;

namespace Containment.IntegrationTests.Escapes;

/// <summary>
/// A container on a CNI bridge forging packets at layer 2 (AF_PACKET, which needs CAP_NET_RAW): one to the host's
/// loopback (127.0.0.1, which the host accepts from the bridge only where <c>route_localnet</c> is on: portmap turns
/// it on for published ports, the CVE-2020-8558 class), one from another container's address (IP spoofing). The host
/// is a test network namespace (<see cref="TestHostNetwork"/>); a UDP socket there on every address counts what arrives,
/// and a datagram the container sends honestly afterwards marks the end.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class NetworkSpoofTests
{
    private const int Port = 7001;
    private static readonly Lazy<string> Probe = new(() => StaticProgram.Build("rawsend", Source));

    [Test]
    public async Task A_container_with_a_published_port_cannot_reach_the_hosts_loopback_or_spoof_another_address()
    {
        using var host = TestHostNetwork.Create();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var socket = host.Udp(new IPEndPoint(IPAddress.Any, Port));
        var gateway = TestHostNetwork.Gateway;
        var script = $"{Probe.Value} eth0 {gateway} - 127.0.0.1 {Port} loopback; {Probe.Value} eth0 {gateway} 10.231.0.77 {gateway} {Port} spoofed; " +
                     $"{Probe.Value} udp {gateway} {Port} end";
        var spec = ContainerSpec.HostReadOnly().WithNetwork(host.Bridge().WithPortMapping(8085, 85))
            .WithProcess(p => p.Args("/bin/sh", "-c", script));

        await using var c = await ContainerProcess.StartAsync(spec, cts.Token);
        var received = new List<string>();
        while (true)
        {
            var datagram = await socket.ReceiveAsync(cts.Token);
            var text = Encoding.ASCII.GetString(datagram.Buffer).Trim();
            if (text == "end")
                break;
            received.Add($"{text} from {datagram.RemoteEndPoint.Address}");
        }
        var output = await c.StandardOutput!.ReadToEndAsync(cts.Token);

        Assert.That(received, Is.Empty, $"forged datagrams reached the host; the probe said: {output}");
        Assert.That(output, Does.Contain("FAIL socket errno=1"), "AF_PACKET is refused (EPERM)");
    }

    [Test]
    public async Task A_process_execd_into_a_container_on_a_bridge_cannot_forge_packets_and_can_still_ping()
    {
        using var host = TestHostNetwork.Create();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var spec = ContainerSpec.HostReadOnly().WithNetwork(host.Bridge()).WithProcess(p => p.Args("/bin/sleep", "60"));

        await using var c = await ContainerProcess.StartAsync(spec, cts.Token);
        await using var exec = await c.ExecAsync(p => p.Args("/bin/sh", "-c",
            $"{Probe.Value} eth0 {TestHostNetwork.Gateway} 10.231.0.77 {TestHostNetwork.Gateway} {Port} spoofed; {Probe.Value} icmp {TestHostNetwork.Gateway}"), cancellationToken: cts.Token);
        var output = await exec.StandardOutput!.ReadToEndAsync(cts.Token);

        Assert.That(output, Does.Contain("FAIL socket errno=1"), "AF_PACKET is refused (EPERM)");
        Assert.That(output, Does.Contain("icmp sent"), "ICMP datagram sockets (net.ipv4.ping_group_range) need no CAP_NET_RAW");
    }

    [Test]
    public async Task A_container_in_a_user_namespace_on_a_bridge_cannot_forge_packets_and_can_still_ping()
    {
        using var host = TestHostNetwork.Create();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var spec = ContainerSpec.HostReadOnly().WithNetwork(host.Bridge())
            .WithUserNamespace(u => u.MapUser(0, 100000, 65536).MapGroup(0, 100000, 65536))
            .WithProcess(p => p.Args("/bin/sh", "-c", $"{Probe.Value} eth0 {TestHostNetwork.Gateway} 10.231.0.77 {TestHostNetwork.Gateway} {Port} spoofed; {Probe.Value} icmp {TestHostNetwork.Gateway}"));

        await using var c = await ContainerProcess.StartAsync(spec, cts.Token);
        var output = await c.StandardOutput!.ReadToEndAsync(cts.Token);

        Assert.That(output, Does.Contain("FAIL socket errno=1").And.Contain("icmp sent"));
    }

    [Test]
    public async Task A_container_cannot_reach_a_container_on_another_bridge_of_the_same_host()
    {
        using var host = TestHostNetwork.Create();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        // Two networks whose bridges are both gateways in the same host namespace, which forwards (the bridge plugin turns ip_forward on).
        var other = CniNetwork.Bridge("othernet", "10.232.0.0/24", b => b.DataDir(host.DataDir)).WithPluginNetworkNamespace(host.Path);
        await using var server = await ContainerProcess.StartAsync(ContainerSpec.HostReadOnly().WithNetwork(other)
            .WithProcess(p => p.Args("/bin/sh", "-c", "while true; do echo reached | busybox nc -l -p 95; done")), cts.Token);
        var target = server.Network!.Result.Addresses.Single();
        var script = $"busybox nc -w 3 {target} 95 < /dev/null || echo refused; " +
                     $"{Probe.Value} eth0 {TestHostNetwork.Gateway} - {target} 95 framed";

        await using var client = await ContainerProcess.StartAsync(ContainerSpec.HostReadOnly().WithNetwork(host.Bridge())
            .WithProcess(p => p.Args("/bin/sh", "-c", script)), cts.Token);
        var output = await client.StandardOutput!.ReadToEndAsync(cts.Token);

        Assert.That(output, Does.Not.Contain("reached"));
        Assert.That(output, Does.Contain("refused").And.Contain("FAIL socket errno=1"));
    }

    private const string Source = """
        #define _GNU_SOURCE
        #include <arpa/inet.h>
        #include <errno.h>
        #include <linux/if_packet.h>
        #include <net/ethernet.h>
        #include <net/if.h>
        #include <netinet/ip.h>
        #include <netinet/udp.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <sys/socket.h>
        #include <unistd.h>

        /* rawsend udp HOST PORT MESSAGE, rawsend icmp HOST, or rawsend IFNAME GATEWAY SRC|- DST PORT MESSAGE: sends one UDP datagram SRC -> DST:PORT as an IPv4 packet framed
           for GATEWAY's MAC address on IFNAME (AF_PACKET), past the container's own routing. Prints "sent" or "FAIL errno=E". */
        static unsigned short sum(const void *p, int n)
        {
            const unsigned short *w = p; unsigned long s = 0;
            for (; n > 1; n -= 2) s += *w++;
            if (n) s += *(const unsigned char *)w;
            while (s >> 16) s = (s & 0xffff) + (s >> 16);
            return (unsigned short)~s;
        }

        int main(int argc, char **argv)
        {
            if (argc == 5 && !strcmp(argv[1], "udp")) { /* udp HOST PORT MESSAGE: an honest datagram */
                struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[3])) };
                inet_pton(AF_INET, argv[2], &to.sin_addr);
                int d = socket(AF_INET, SOCK_DGRAM, 0);
                return sendto(d, argv[4], strlen(argv[4]), 0, (struct sockaddr *)&to, sizeof to) < 0;
            }
            if (argc == 3 && !strcmp(argv[1], "icmp")) { /* icmp HOST: one echo request on an ICMP datagram socket (what ping uses without CAP_NET_RAW) */
                struct sockaddr_in to = { .sin_family = AF_INET };
                inet_pton(AF_INET, argv[2], &to.sin_addr);
                unsigned char echo[8] = { 8 };
                int d = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
                if (d < 0 || sendto(d, echo, sizeof echo, 0, (struct sockaddr *)&to, sizeof to) < 0) { printf("FAIL icmp errno=%d\n", errno); return 1; }
                printf("icmp sent\n");
                return 0;
            }
            if (argc != 7) { fprintf(stderr, "usage\n"); return 2; }
            struct sockaddr_in gw = { .sin_family = AF_INET, .sin_port = htons(9) };
            inet_pton(AF_INET, argv[2], &gw.sin_addr);
            /* Resolve the gateway's MAC: one datagram to it, then /proc/net/arp. Our own address: the UDP socket's. */
            int u = socket(AF_INET, SOCK_DGRAM, 0);
            if (connect(u, (struct sockaddr *)&gw, sizeof gw) < 0) { printf("FAIL connect errno=%d\n", errno); return 1; }
            struct sockaddr_in self; socklen_t len = sizeof self;
            getsockname(u, (struct sockaddr *)&self, &len);
            unsigned char mac[6]; int found = 0;
            for (int tries = 0; tries < 50 && !found; tries++) {
                send(u, "x", 1, 0);
                usleep(100000);
                FILE *f = fopen("/proc/net/arp", "r"); char line[256];
                while (f && fgets(line, sizeof line, f)) {
                    char ip[64], hw[64]; unsigned flags;
                    if (sscanf(line, "%63s %*s %x %63s", ip, &flags, hw) == 3 && !strcmp(ip, argv[2]) && (flags & 2)
                        && sscanf(hw, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1], &mac[2], &mac[3], &mac[4], &mac[5]) == 6)
                        found = 1;
                }
                if (f) fclose(f);
            }
            if (!found) { printf("FAIL no-arp\n"); return 1; }
            int s = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP));
            if (s < 0) { printf("FAIL socket errno=%d\n", errno); return 1; }
            unsigned char pkt[1500] = { 0 };
            struct iphdr *ip = (struct iphdr *)pkt;
            struct udphdr *udp = (struct udphdr *)(pkt + sizeof *ip);
            size_t n = strlen(argv[6]);
            memcpy(pkt + sizeof *ip + sizeof *udp, argv[6], n);
            ip->version = 4; ip->ihl = 5; ip->ttl = 64; ip->protocol = IPPROTO_UDP;
            ip->tot_len = htons(sizeof *ip + sizeof *udp + n);
            ip->saddr = strcmp(argv[3], "-") ? inet_addr(argv[3]) : self.sin_addr.s_addr;
            ip->daddr = inet_addr(argv[4]);
            ip->check = sum(ip, sizeof *ip);
            udp->source = htons(40000); udp->dest = htons(atoi(argv[5])); udp->len = htons(sizeof *udp + n);
            struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP), .sll_ifindex = if_nametoindex(argv[1]), .sll_halen = 6 };
            memcpy(to.sll_addr, mac, 6);
            for (int i = 0; i < 5; i++) {
                if (sendto(s, pkt, sizeof *ip + sizeof *udp + n, 0, (struct sockaddr *)&to, sizeof to) < 0) { printf("FAIL sendto errno=%d\n", errno); return 1; }
                usleep(50000);
            }
            printf("sent\n");
            return 0;
        }
        """;
}
