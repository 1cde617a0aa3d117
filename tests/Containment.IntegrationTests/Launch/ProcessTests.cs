using Containment.IntegrationTests.Support;
using Containment.Namespaces;

namespace Containment.IntegrationTests.Launch;

public class ProcessTests
{
    [TestCase(0)]
    [TestCase(3)]
    [TestCase(255)]
    public async Task The_exit_code_comes_back(int code)
    {
        var r = await Run.Shell($"exit {code}");
        Assert.That(r.Exit.ExitCode, Is.EqualTo(code));
        Assert.That(r.Exit.Signal, Is.Null);
    }

    [Test]
    public async Task Death_by_a_signal_comes_back_as_the_signal()
    {
        // Without a pid namespace the shell is not an init, so it can signal itself.
        var r = await Run.Shell("kill -TERM $$; sleep 5", s => s.WithNamespaces(n => n.Without(NamespaceKind.Pid)));
        Assert.That(r.Exit.Signal, Is.EqualTo(Signal.Term));
        Assert.That(r.Exit.ShellCode, Is.EqualTo(143));
    }

    [Test]
    public async Task Kill_from_the_host_ends_the_container_with_SIGKILL()
    {
        await using var c = await ContainerProcess.StartAsync(ContainerSpec.HostReadOnly().WithProcess(p => p.Args("sleep", "100")));
        c.Kill();
        var exit = await c.WaitForExitAsync(new CancellationTokenSource(Run.Timeout).Token);
        Assert.That(exit.Signal, Is.EqualTo(Signal.Kill));
    }

    [Test]
    public async Task A_signal_reaches_an_init_that_handles_it()
    {
        await using var c = await ContainerProcess.StartAsync(ContainerSpec.HostReadOnly()
            .WithProcess(p => p.Args("/bin/sh", "-c", "trap 'echo got-term; exit 9' TERM; echo ready; while :; do sleep 0.1; done")));
        Assert.That(await c.StandardOutput!.ReadLineAsync(), Is.EqualTo("ready"));
        await c.SignalAsync(Signal.Term);
        var exit = await c.WaitForExitAsync(new CancellationTokenSource(Run.Timeout).Token);
        Assert.That(exit.ExitCode, Is.EqualTo(9));
        Assert.That(await c.StandardOutput.ReadToEndAsync(), Does.Contain("got-term"));
    }

    [Test]
    public async Task Stdout_and_stderr_are_captured_separately()
    {
        var r = await Run.Shell("echo to-out; echo to-err >&2");
        Assert.That(r.Stdout, Is.EqualTo("to-out\n"));
        Assert.That(r.Stderr, Is.EqualTo("to-err\n"));
    }

    [Test]
    public async Task Stdin_can_be_written_from_the_host()
    {
        await using var c = await ContainerProcess.StartAsync(ContainerSpec.HostReadOnly()
            .WithProcess(p => p.Args("tr", "a-z", "A-Z").StandardInput(Stdio.Pipe)));
        await c.StandardInput!.WriteAsync("hello\n");
        c.StandardInput.Close();
        Assert.That(await c.StandardOutput!.ReadToEndAsync(), Is.EqualTo("HELLO\n"));
        Assert.That((await c.WaitForExitAsync()).ExitCode, Is.EqualTo(0));
    }

    [Test]
    public async Task Output_can_go_to_a_host_file()
    {
        var file = Path.Combine(Path.GetTempPath(), $"containment-out-{Guid.NewGuid():N}");
        try
        {
            var r = await Run.ToCompletion(ContainerSpec.HostReadOnly()
                .WithProcess(p => p.Args("/bin/sh", "-c", "echo into-file").StandardOutput(Stdio.File(file))));
            Assert.That(r.Exit.ExitCode, Is.EqualTo(0));
            Assert.That(File.ReadAllText(file), Is.EqualTo("into-file\n"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public async Task Environment_and_working_directory_hold()
    {
        var r = await Run.ToCompletion(ContainerSpec.HostReadOnly().WithProcess(p => p
            .Args("/bin/sh", "-c", "echo \"$A|$B\"; pwd").Env("A", "1").Env("B", "two words").WorkingDirectory("/usr/share")));
        Assert.That(r.Stdout, Is.EqualTo("1|two words\n/usr/share\n"));
    }

    [Test]
    public async Task A_program_is_found_on_the_containers_PATH()
    {
        var r = await Run.ToCompletion(ContainerSpec.HostReadOnly().WithProcess(p => p.Args("echo", "found")));
        Assert.That(r.Stdout, Is.EqualTo("found\n"));
    }

    [Test]
    public async Task Only_the_standard_streams_reach_the_container()
    {
        // A host fd opened without O_CLOEXEC must still not leak.
        var leaky = Interop.Libc.Open("/etc/hostname", Interop.Libc.O_RDONLY, 0);
        try
        {
            var r = await Run.Shell("ls /proc/self/fd");
            // ls itself opens one fd for the directory it lists.
            Assert.That(r.Stdout.Split(new[] { '\n', ' ' }, StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "0", "1", "2", "3" }));
        }
        finally
        {
            Interop.Libc.Close(leaky);
        }
    }

    [Test]
    public async Task Fifty_containers_started_concurrently_all_succeed()
    {
        var runs = Enumerable.Range(0, 50).Select(i => Run.Shell($"echo {i}")).ToArray();
        var results = await Task.WhenAll(runs);
        for (var i = 0; i < results.Length; i++)
        {
            Assert.That(results[i].Exit.ExitCode, Is.EqualTo(0), results[i].Stderr);
            Assert.That(results[i].Stdout, Is.EqualTo($"{i}\n"));
        }
    }

    [Test]
    public async Task A_detached_container_outlives_its_handle()
    {
        int pid;
        await using (var c = await ContainerProcess.StartAsync(
            ContainerSpec.HostReadOnly().WithProcess(p => p.Args("sleep", "30").StandardOutput(Stdio.Null).StandardError(Stdio.Null)),
            new ContainerStartOptions { Detached = true }))
        {
            pid = c.Pid;
        }
        try
        {
            Assert.That(Directory.Exists($"/proc/{pid}"), Is.True);
            Assert.That(File.ReadAllText($"/proc/{pid}/cmdline"), Does.StartWith("sleep"));
        }
        finally
        {
            System.Diagnostics.Process.GetProcessById(pid).Kill();
        }
    }
}
