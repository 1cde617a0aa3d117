using System.Net;
using System.Net.Sockets;

namespace Containment.IntegrationTests.Support;

public sealed partial class TestHostNetwork
{
    /// <summary>A UDP socket bound to <paramref name="local"/> in this namespace.</summary>
    public UdpClient Udp(IPEndPoint local) => InNamespace(() => new UdpClient(local));
}
