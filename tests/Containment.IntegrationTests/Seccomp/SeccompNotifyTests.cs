using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text.Json;
using Containment.IntegrationTests.Support;
using Containment.Oci;
using Containment.Seccomp;
using Containment.Seccomp.Notify;
using Microsoft.Win32.SafeHandles;
using static Containment.IntegrationTests.Seccomp.SyscallProbe;

namespace Containment.IntegrationTests.Seccomp;

/// <summary>Seccomp user notification: calls the profile hands to the host's handler.</summary>
public class SeccompNotifyTests
{
    private static ContainerSpec Spec(string script, params string[] notified) => ContainerSpec.HostReadOnly()
        .WithSeccompRules(p => p.Notify(notified))
        .WithProcess(p => p.Args("/bin/sh", "-c", script));

    private static ValueTask<SeccompResponse> Answer(SeccompResponse response) => ValueTask.FromResult(response);

    [TestCase(false)]
    [TestCase(true)]
    public async Task The_handler_sees_a_supervised_call_reads_its_path_and_answers_with_an_errno_or_a_value(bool noNewPrivileges)
    {
        var seen = new ConcurrentQueue<string>();
        var options = new ContainerStartOptions
        {
            SeccompNotify = (call, _) =>
            {
                if (call.Syscall != "mkdir")
                    return Answer(SeccompResponse.Return(4242)); // getppid
                var caller = File.ReadAllText($"/proc/{call.Pid}/cmdline").Split('\0')[0];
                seen.Enqueue($"{call.Architecture} {call.Syscall} {call.ReadStringArgument(0)} mode={Convert.ToString((long)call.Args[1], 8)} valid={call.IsValid()} caller={caller}");
                return Answer(SeccompResponse.Fail(SeccompErrno.EACCES));
            },
        };
        var spec = Spec($"{Call("mkdir", "/tmp/notified", "0755")}; {Call("getppid")}; test -e /tmp/notified && echo exists || echo absent",
            "mkdir", "getppid").WithProcess(p => p.NoNewPrivileges(noNewPrivileges));
        var r = await Run.ToCompletion(spec, options);
        Assert.That(r.Exit.ExitCode, Is.EqualTo(0), r.Stderr);
        Assert.That(r.Stdout.Trim().Split('\n'), Is.EqualTo(new[] { "ret=-1 errno=13", "ret=4242 errno=0", "absent" }));
        Assert.That(seen, Is.EqualTo(new[] { $"{ArchitectureInfo.Native} mkdir /tmp/notified mode=755 valid=True caller={ProbePath}" }));
    }

    [Test]
    public async Task Continue_lets_the_call_run()
    {
        var options = new ContainerStartOptions { SeccompNotify = (_, _) => Answer(SeccompResponse.Continue) };
        var r = await Run.ToCompletion(Spec("mkdir /tmp/made && test -d /tmp/made && echo made", "mkdir"), options);
        Assert.That(r.Stdout.Trim(), Is.EqualTo("made"), r.Stderr);
    }

    [Test]
    public async Task A_handler_that_throws_fails_the_call_with_ENOSYS()
    {
        var options = new ContainerStartOptions { SeccompNotify = (_, _) => throw new InvalidOperationException("boom") };
        var r = await Run.ToCompletion(Spec(Call("mkdir", "/tmp/x", "0755"), "mkdir"), options);
        Assert.That(r.Stdout.Trim(), Is.EqualTo("ret=-1 errno=38"));
    }

    [Test]
    public void A_profile_with_notify_rules_needs_a_handler()
    {
        var e = Assert.ThrowsAsync<ContainerSpecException>(() => Run.ToCompletion(Spec("true", "mkdir")));
        Assert.That(e!.Message, Does.Contain("SeccompNotify"));
    }

    [Test]
    public async Task Disposing_the_container_stops_a_handler_that_is_still_answering_and_leaves_nothing_behind()
    {
        await Run.ToCompletion(Spec("true", "mkdir"), new ContainerStartOptions { SeccompNotify = (_, _) => Answer(SeccompResponse.Continue) });
        var before = HostSnapshot.TakeSettled();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = false;
        var options = new ContainerStartOptions
        {
            SeccompNotify = async (_, ct) =>
            {
                entered.TrySetResult();
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                catch (OperationCanceledException)
                {
                    cancelled = true;
                    throw;
                }
                return SeccompResponse.Continue;
            },
        };
        await using (var c = await ContainerProcess.StartAsync(Spec("mkdir /tmp/blocked", "mkdir"), options))
            await entered.Task.WaitAsync(Run.Timeout);
        Assert.That(cancelled, Is.True);
        await HostSnapshot.AssertUnchangedSince(before);
    }

    [Test]
    public async Task The_OCI_listenerPath_contract_delivers_the_listener_and_the_state_to_an_agent()
    {
        var dir = Directory.CreateTempSubdirectory("containment-listener-").FullName;
        try
        {
            var socketPath = System.IO.Path.Combine(dir, "agent.sock");
            using var agent = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            agent.Bind(new UnixDomainSocketEndPoint(socketPath));
            agent.Listen();
            var profile = SeccompProfile.Default.Notify("mkdir").WithListener(socketPath, "agent-metadata");
            var options = new ContainerStartOptions
            {
                SeccompListener = async (listener, pid, ct) =>
                {
                    using (listener)
                        await SeccompListenerPath.SendAsync(profile.ListenerPath!, listener, pid, profile.ListenerMetadata,
                            new OciState { Id = "ctr", Status = OciStatus.Creating, Pid = pid, Bundle = "/bundle" }, ct);
                },
            };
            var spec = ContainerSpec.HostReadOnly().WithSeccomp(profile)
                .WithProcess(p => p.Args("/bin/sh", "-c", Call("mkdir", "/tmp/by-agent", "0755")));
            await using var container = await ContainerProcess.StartAsync(spec, options);

            using var connection = await agent.AcceptAsync();
            var (json, fd) = ListenerMessage.Receive(connection);
            using var state = JsonDocument.Parse(json);
            Assert.That(state.RootElement.GetProperty("fds")[0].GetString(), Is.EqualTo("seccompFd"));
            Assert.That(state.RootElement.GetProperty("pid").GetInt32(), Is.EqualTo(container.Pid));
            Assert.That(state.RootElement.GetProperty("metadata").GetString(), Is.EqualTo("agent-metadata"));
            Assert.That(state.RootElement.GetProperty("state").GetProperty("id").GetString(), Is.EqualTo("ctr"));

            await using var supervisor = SeccompSupervisor.Start(fd, (_, _) => Answer(SeccompResponse.Fail(SeccompErrno.EROFS)));
            var output = await container.StandardOutput!.ReadToEndAsync();
            await container.WaitForExitAsync();
            Assert.That(output.Trim(), Is.EqualTo("ret=-1 errno=30"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The agent's side: one message with one fd attached.</summary>
    private static class ListenerMessage
    {
        public static unsafe (string Json, SafeFileHandle Fd) Receive(Socket connection)
        {
            var buffer = new byte[64 * 1024];
            var control = stackalloc byte[Interop.Libc.CmsgSpace(sizeof(int))];
            fixed (byte* data = buffer)
            {
                var iov = new Interop.Libc.IoVec { Base = data, Length = (nuint)buffer.Length };
                var hdr = new Interop.Libc.MsgHdr { Iov = &iov, IovLength = 1, Control = control, ControlLength = (nuint)Interop.Libc.CmsgSpace(sizeof(int)) };
                connection.Blocking = true;
                var n = Interop.Libc.RecvMsg((int)connection.Handle, &hdr, Interop.Libc.MSG_CMSG_CLOEXEC);
                Assert.That((long)n, Is.GreaterThan(0L), "recvmsg");
                Assert.That(*(int*)(control + 12), Is.EqualTo(Interop.Libc.SCM_RIGHTS), "an fd is attached");
                var fd = new SafeFileHandle(*(int*)(control + Interop.Libc.CmsgHeaderSize), ownsHandle: true);
                var json = System.Text.Encoding.UTF8.GetString(buffer, 0, (int)n);
                // A stream socket may have split the document; the rest follows without an fd.
                while (!IsComplete(json))
                    json += System.Text.Encoding.UTF8.GetString(buffer, 0, connection.Receive(buffer));
                return (json, fd);
            }
        }

        private static bool IsComplete(string json)
        {
            try
            {
                using var _ = JsonDocument.Parse(json);
                return true;
            }
            catch (JsonException)
            {
                return false;
            }
        }
    }
}
