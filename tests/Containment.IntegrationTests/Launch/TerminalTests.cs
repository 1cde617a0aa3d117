using System.Net.Sockets;
using System.Text;
using Containment.IntegrationTests.Support;
using Containment.Oci;

namespace Containment.IntegrationTests.Launch;

public class TerminalTests
{
    /// <summary>Starts <c>sh -c script</c> on a terminal in a busybox rootfs.</summary>
    private static Task<ContainerProcess> StartOnTerminal(TestRootfs rootfs, string script, ushort columns = 0, ushort rows = 0,
        Func<ContainerSpec, ContainerSpec>? configure = null)
    {
        var spec = ContainerSpec.FromRootfs(rootfs.Path).WithProcess(p => p.Args("/bin/sh", "-c", script).Terminal(columns, rows));
        return ContainerProcess.StartAsync(configure is null ? spec : configure(spec), new CancellationTokenSource(Run.Timeout).Token);
    }

    /// <summary>Everything the container writes to its terminal until every process of it has closed it, with CR LF as LF.</summary>
    private static async Task<string> ReadAll(Stream terminal)
    {
        using var cts = new CancellationTokenSource(Run.Timeout);
        var output = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            for (int n; (n = await terminal.ReadAsync(buffer, cts.Token)) > 0;)
                output.Write(buffer, 0, n);
        }
        catch (IOException e) when (terminal is FileStream && e.HResult == 5)
        {
            // A plain stream over a master (a manager's) fails with EIO once the container has closed the terminal.
        }
        return Encoding.UTF8.GetString(output.ToArray()).Replace("\r\n", "\n");
    }

    /// <summary>Reads until <paramref name="text"/> has appeared (the terminal echoes input, so exact reads are brittle).</summary>
    private static async Task<string> ReadUntil(Stream terminal, string text)
    {
        using var cts = new CancellationTokenSource(Run.Timeout);
        var seen = new StringBuilder();
        var buffer = new byte[256];
        while (!seen.ToString().Replace("\r\n", "\n").Contains(text))
        {
            var n = await terminal.ReadAsync(buffer, cts.Token);
            if (n == 0)
                Assert.Fail($"the terminal closed before '{text}' appeared; output: {seen}");
            seen.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }
        return seen.ToString().Replace("\r\n", "\n");
    }

    [Test]
    public async Task The_terminal_is_the_processs_standard_streams_and_controlling_terminal()
    {
        using var rootfs = TestRootfs.Create();
        await using var c = await StartOnTerminal(rootfs,
            "tty; [ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo all-ttys; echo to-stderr >&2; " +
            "echo sid=$(cut -d' ' -f6 /proc/self/stat) tty_nr=$(cut -d' ' -f7 /proc/self/stat); " +
            "for f in /proc/$$/fd/*; do readlink $f; done | sort -u");

        var output = await ReadAll(c.Terminal!.Stream);
        var exit = await c.WaitForExitAsync();

        Assert.That(exit.ExitCode, Is.EqualTo(0), output);
        // tty_nr encodes 136:0 (the first pty of the container's own devpts) as 136 << 8; the session is init's (pid 1).
        Assert.That(output, Is.EqualTo("/dev/pts/0\nall-ttys\nto-stderr\nsid=1 tty_nr=34816\n/dev/pts/0\n"));
        Assert.That(c.StandardInput, Is.Null);
        Assert.That(c.StandardOutput, Is.Null);
    }

    [Test]
    public async Task Input_written_on_the_master_reaches_the_container()
    {
        using var rootfs = TestRootfs.Create();
        await using var c = await StartOnTerminal(rootfs, "echo ready; read line; echo \"got:$line\"");
        var terminal = c.Terminal!.Stream;
        await ReadUntil(terminal, "ready\n");

        await terminal.WriteAsync("hello there\n"u8.ToArray());

        Assert.That(await ReadAll(terminal), Does.EndWith("got:hello there\n"));
        Assert.That((await c.WaitForExitAsync()).ExitCode, Is.EqualTo(0));
    }

    [Test]
    public async Task The_window_size_is_set_at_start_and_by_resize()
    {
        using var rootfs = TestRootfs.Create();
        await using var c = await StartOnTerminal(rootfs, "stty size; echo ready; read x; stty size", columns: 100, rows: 40);
        var terminal = c.Terminal!.Stream;
        var first = await ReadUntil(terminal, "ready\n");
        Assert.That(c.Terminal.GetSize(), Is.EqualTo(((ushort)100, (ushort)40)));

        c.Terminal.Resize(132, 50);
        await terminal.WriteAsync("\n"u8.ToArray());

        Assert.That(first, Is.EqualTo("40 100\nready\n"));
        Assert.That(await ReadAll(terminal), Does.EndWith("50 132\n"));
        Assert.That(c.Terminal.GetSize(), Is.EqualTo(((ushort)132, (ushort)50)));
    }

    [Test]
    public async Task Dev_console_is_the_terminal_and_absent_without_one()
    {
        using var rootfs = TestRootfs.Create();
        await using (var c = await StartOnTerminal(rootfs,
            "stat -c '%F %t:%T' /dev/console /dev/pts/0; grep -c ' /dev/console ' /proc/self/mountinfo; echo via-console > /dev/console"))
        {
            Assert.That(await ReadAll(c.Terminal!.Stream), Is.EqualTo(
                "character special file 88:0\ncharacter special file 88:0\n1\nvia-console\n"));
        }

        var without = await Run.ToCompletion(ContainerSpec.FromRootfs(rootfs.Path)
            .WithProcess(p => p.Args("/bin/sh", "-c", "[ -e /dev/console ] && echo present || echo absent")));
        Assert.That(without.Stdout, Is.EqualTo("absent\n"));
    }

    [Test]
    public async Task A_non_root_user_owns_its_terminal()
    {
        using var rootfs = TestRootfs.Create();
        if (OperatingSystem.IsLinux())
            File.SetUnixFileMode(rootfs.Path, (UnixFileMode)0x1ed); // a temp directory is 0700: let the user in
        await using var c = await StartOnTerminal(rootfs, "id -u; stat -c '%u' /dev/pts/0; echo ok > /dev/tty && echo wrote",
            configure: s => s.WithProcess(p => p.User(1000, 1000)));

        Assert.That(await ReadAll(c.Terminal!.Stream), Is.EqualTo("1000\n1000\nok\nwrote\n"));
    }

    [Test]
    public async Task A_container_in_a_user_namespace_gets_its_terminal_too()
    {
        using var rootfs = TestRootfs.Create();
        if (OperatingSystem.IsLinux())
            File.SetUnixFileMode(rootfs.Path, (UnixFileMode)0x1ed); // the container's root is uid 100000 on the host
        await using var c = await StartOnTerminal(rootfs, "tty; stat -c '%u:%g %t:%T' /dev/pts/0 /dev/console; cat /proc/self/uid_map | tr -s ' '",
            configure: s => s.WithUserNamespace(u => u.MapUser(0, 100000, 65536).MapGroup(0, 100000, 65536)));

        Assert.That(await ReadAll(c.Terminal!.Stream), Is.EqualTo("/dev/pts/0\n0:5 88:0\n0:5 88:0\n 0 100000 65536\n"));
    }

    [Test]
    public async Task A_process_joining_a_container_gets_a_pty_of_the_containers_devpts()
    {
        using var rootfs = TestRootfs.Create();
        await using var first = await StartOnTerminal(rootfs, "echo ready; read x");
        await ReadUntil(first.Terminal!.Stream, "ready\n");

        await using var joined = await ContainerProcess.StartAsync(ContainerSpec.JoinRunning(first.Pid)
            .WithProcess(p => p.Args("/bin/sh", "-c", "tty; ls /dev/pts | sort | tr '\\n' ' '").Terminal()));

        Assert.That(await ReadAll(joined.Terminal!.Stream), Is.EqualTo("/dev/pts/1\n0 1 ptmx "));
        await first.Terminal.Stream.WriteAsync("\n"u8.ToArray());
        Assert.That((await first.WaitForExitAsync()).ExitCode, Is.EqualTo(0));
    }

    /// <summary>A manager's console socket (conmon's, containerd-shim's): listens on a path, receives one terminal.</summary>
    private sealed class ConsoleListener : IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("containment-test-console-").FullName;
        private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);

        public ConsoleListener()
        {
            Path = System.IO.Path.Combine(_dir, "console.sock");
            _listener.Bind(new UnixDomainSocketEndPoint(Path));
            _listener.Listen(1);
        }

        public string Path { get; }

        public async Task<FileStream> ReceiveAsync()
        {
            using var cts = new CancellationTokenSource(Run.Timeout);
            using var connection = await _listener.AcceptAsync(cts.Token);
            return new FileStream(await ConsoleSocket.ReceiveAsync(connection, cts.Token), FileAccess.ReadWrite, bufferSize: 0);
        }

        public void Dispose()
        {
            _listener.Dispose();
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Test]
    public async Task The_master_can_be_sent_over_a_console_socket()
    {
        using var rootfs = TestRootfs.Create();
        using var console = new ConsoleListener();
        await using var c = await StartOnTerminal(rootfs, "read line; echo \"got:$line\"");

        var receiving = console.ReceiveAsync();
        ConsoleSocket.Send(console.Path, c.Terminal!.Handle);
        await using var manager = await receiving;
        await manager.WriteAsync("from-the-manager\n"u8.ToArray());

        Assert.That(await ReadUntil(c.Terminal.Stream, "got:from-the-manager\n"), Does.EndWith("got:from-the-manager\n"));
        Assert.That((await c.WaitForExitAsync()).ExitCode, Is.EqualTo(0));
    }

    [Test]
    public async Task A_created_container_hands_over_its_terminal_before_it_starts()
    {
        // The OCI CLI's create: the master goes to the manager's console socket, then the runtime exits.
        using var rootfs = TestRootfs.Create();
        using var console = new ConsoleListener();
        var dir = Directory.CreateTempSubdirectory("containment-test-gate-").FullName;
        try
        {
            var fifo = Path.Combine(dir, "exec.fifo");
            ContainerStartGate.Create(fifo);
            var spec = ContainerSpec.FromRootfs(rootfs.Path).WithProcess(p => p.Args("/bin/sh", "-c", "tty; echo started").Terminal());
            int pid;
            var receiving = console.ReceiveAsync();
            await using (var c = await ContainerProcess.StartAsync(spec, new ContainerStartOptions { Detached = true, StartFifo = fifo }))
            {
                pid = c.Pid;
                ConsoleSocket.Send(console.Path, c.Terminal!.Handle);
            }
            await using var terminal = await receiving;

            await ContainerStartGate.OpenAsync(fifo, pid);

            Assert.That(await ReadAll(terminal), Is.EqualTo("/dev/pts/0\nstarted\n"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public async Task A_program_that_exits_at_once_still_starts_cleanly_every_time()
    {
        // The terminal message and the child's exit can reach the monitor in one poll round; the exec must be
        // reported before the exit (a race: without the monitor draining the channel first, this loop failed when tried here).
        using var rootfs = TestRootfs.Create();
        var spec = ContainerSpec.FromRootfs(rootfs.Path).WithProcess(p => p.Args("/bin/true").Terminal());
        for (var i = 0; i < 100; i++)
        {
            await using var c = await ContainerProcess.StartAsync(spec);
            Assert.That((await c.WaitForExitAsync()).ExitCode, Is.EqualTo(0), $"round {i}");
        }
    }

    [Test]
    public async Task A_terminal_container_leaves_nothing_behind()
    {
        using var rootfs = TestRootfs.Create();
        var before = HostSnapshot.Take();
        await using (var c = await StartOnTerminal(rootfs, "echo hi"))
        {
            await ReadAll(c.Terminal!.Stream);
            await c.WaitForExitAsync();
        }
        await HostSnapshot.AssertUnchangedSince(before);
    }

    [Test]
    public async Task Without_a_devpts_the_start_fails_naming_the_step_and_leaves_nothing_behind()
    {
        using var rootfs = TestRootfs.Create();
        var before = HostSnapshot.Take();
        var e = Assert.ThrowsAsync<ContainerStartException>(() => StartOnTerminal(rootfs, "true",
            configure: s => s.WithMounts(m => m.Remove("/dev/pts"))));
        Assert.That(e!.Message, Does.Contain("/dev/pts/ptmx").And.Contain("ENOENT"));
        await HostSnapshot.AssertUnchangedSince(before);
    }
}
