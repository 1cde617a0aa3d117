using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Containment.Interop;
using Containment.Oci;
using Containment.Seccomp;
using Containment.Seccomp.Notify;
using Microsoft.Win32.SafeHandles;

namespace Containment.Tests.Seccomp;

public class SeccompNotifyApiTests
{
    [Test]
    public void Responses_say_what_they_do()
    {
        Assert.That(SeccompResponse.Continue.IsContinue, Is.True);
        Assert.That(SeccompResponse.Fail(SeccompErrno.EACCES).Errno, Is.EqualTo(SeccompErrno.EACCES));
        Assert.That(SeccompResponse.Return(-5).Value, Is.EqualTo(-5));
        Assert.That(SeccompResponse.Return(7).ToString(), Is.EqualTo("return 7"));
        Assert.Throws<ArgumentOutOfRangeException>(() => SeccompResponse.Fail((SeccompErrno)0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SeccompResponse.Fail((SeccompErrno)4096));
    }

    [Test]
    public void The_container_process_state_follows_the_runtime_spec()
    {
        var json = SeccompListenerPath.ProcessStateJson(4422, "MKNOD=/dev/null",
            new OciState { Id = "ctr", Status = OciStatus.Creating, Pid = 4422, Bundle = "/srv/bundle" });
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.That(root.GetProperty("ociVersion").GetString(), Is.EqualTo(OciConfig.CurrentVersion));
        Assert.That(root.GetProperty("fds").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "seccompFd" }));
        Assert.That(root.GetProperty("pid").GetInt32(), Is.EqualTo(4422));
        Assert.That(root.GetProperty("metadata").GetString(), Is.EqualTo("MKNOD=/dev/null"));
        Assert.That(root.GetProperty("state").GetProperty("status").GetString(), Is.EqualTo("creating"));
        Assert.That(root.GetProperty("state").GetProperty("bundle").GetString(), Is.EqualTo("/srv/bundle"));
        Assert.That(SeccompListenerPath.ProcessStateJson(1, null, new OciState()).AsSpan().IndexOf("metadata"u8), Is.EqualTo(-1));
    }

    [Test]
    public async Task SendAsync_delivers_the_state_with_the_fd_attached()
    {
        var dir = Directory.CreateTempSubdirectory("containment-listener-").FullName;
        var memfd = Libc.MemfdCreate("listener-stand-in", 1 /* MFD_CLOEXEC */);
        Assert.That(memfd, Is.GreaterThanOrEqualTo(0));
        using var file = new SafeFileHandle(memfd, ownsHandle: true);
        try
        {
            var path = Path.Combine(dir, "agent.sock");
            using var agent = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            agent.Bind(new UnixDomainSocketEndPoint(path));
            agent.Listen();
            await SeccompListenerPath.SendAsync(path, file, 77, null, new OciState { Id = "x", Pid = 77 });
            using var connection = await agent.AcceptAsync();
            var (text, received) = ReceiveWithFd(connection);
            using (received)
            {
                Assert.That(JsonDocument.Parse(text).RootElement.GetProperty("pid").GetInt32(), Is.EqualTo(77));
                Assert.That(File.ResolveLinkTarget($"/proc/self/fd/{received.DangerousGetHandle()}", false)?.FullName ?? "",
                    Does.Contain("memfd:listener-stand-in"));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void SendAsync_names_the_path_it_cannot_reach()
    {
        using var file = new SafeFileHandle(Libc.MemfdCreate("x", 1), ownsHandle: true);
        var e = Assert.ThrowsAsync<ContainmentException>(() =>
            SeccompListenerPath.SendAsync("/nonexistent/agent.sock", file, 1, null, new OciState()));
        Assert.That(e!.Message, Does.Contain("connect(/nonexistent/agent.sock)"));
    }

    private static unsafe (string Text, SafeFileHandle Fd) ReceiveWithFd(Socket connection)
    {
        var buffer = new byte[16 * 1024];
        var control = stackalloc byte[Libc.CmsgSpace(sizeof(int))];
        fixed (byte* data = buffer)
        {
            var iov = new Libc.IoVec { Base = data, Length = (nuint)buffer.Length };
            var hdr = new Libc.MsgHdr { Iov = &iov, IovLength = 1, Control = control, ControlLength = (nuint)Libc.CmsgSpace(sizeof(int)) };
            connection.Blocking = true;
            var n = Libc.RecvMsg((int)connection.Handle, &hdr, Libc.MSG_CMSG_CLOEXEC);
            Assert.That((long)n, Is.GreaterThan(0L));
            Assert.That(*(int*)(control + 12), Is.EqualTo(Libc.SCM_RIGHTS));
            return (Encoding.UTF8.GetString(buffer, 0, (int)n), new SafeFileHandle(*(int*)(control + Libc.CmsgHeaderSize), ownsHandle: true));
        }
    }
}
