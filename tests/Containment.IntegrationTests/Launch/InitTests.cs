using Containment.Identity;
using Containment.IntegrationTests.Support;

namespace Containment.IntegrationTests.Launch;

/// <summary>
/// <see cref="ContainerSpec.WithInit"/>: an init as PID 1 forwards signals the kernel would drop for a program that is
/// PID 1, reaps orphans, reports the program's own exit, and is confined exactly as the program is.
/// </summary>
public class InitTests
{
    private static ContainerSpec Spec(string script, bool init = true) =>
        ContainerSpec.HostReadOnly().WithInit(init).WithProcess(p => p.Args("/bin/sh", "-c", script));

    /// <summary>Starts the spec and waits for its first line of output (the program is running).</summary>
    private static async Task<(ContainerProcess Container, string FirstLine)> StartedAsync(ContainerSpec spec, CancellationToken ct)
    {
        var c = await ContainerProcess.StartAsync(spec, ct);
        var line = await c.StandardOutput!.ReadLineAsync(ct) ?? "";
        return (c, line);
    }

    [TestCase(Signal.Term)]
    [TestCase(Signal.Int)]
    [TestCase(Signal.Hup)]
    [TestCase(Signal.Usr1)]
    public async Task A_signal_from_the_host_reaches_a_program_without_a_handler(Signal signal)
    {
        using var cts = new CancellationTokenSource(Run.Timeout);
        var (c, line) = await StartedAsync(Spec("echo up; exec sleep 1000"), cts.Token);
        await using (c)
        {
            Assert.That(line, Is.EqualTo("up"));
            c.SendSignal(signal);
            var exit = await c.WaitForExitAsync(cts.Token);
            Assert.That(exit.Signal, Is.EqualTo(signal), exit.ToString());
        }
    }

    [Test]
    public async Task The_rlimit_cpu_soft_limit_delivers_sigxcpu()
    {
        var spec = Spec("while :; do :; done").WithProcess(p => p.Rlimit(ResourceLimit.Cpu, 1, 30));
        var r = await Run.ToCompletion(spec);
        Assert.That(r.Exit.Signal, Is.EqualTo(Signal.Xcpu), r.Exit + r.Stderr);
    }

    [TestCase(true, "reaped")]
    [TestCase(false, "zombie")]
    public async Task An_orphan_left_by_a_shell_is_reaped_only_with_an_init(bool init, string expected)
    {
        // A shell leaves a background sleep and exits: the sleep is re-parented to PID 1, which is the init or `sleep 1000`
        // (a program that never waits). Once the orphan exits it is gone if PID 1 reaps it, a zombie otherwise.
        const string script = """
            (
              sh -c 'sleep 0.2 & echo $! > /tmp/orphan'
              p=$(cat /tmp/orphan)
              while [ -e /proc/$p ] && ! grep -q '^State:.*Z' /proc/$p/status 2>/dev/null; do sleep 0.05; done
              if [ -e /proc/$p ]; then echo zombie; else echo reaped; fi
            ) &
            exec sleep 1000
            """;
        using var cts = new CancellationTokenSource(Run.Timeout);
        var (c, line) = await StartedAsync(Spec(script, init), cts.Token);
        await using (c)
        {
            Assert.That(line, Is.EqualTo(expected));
            c.Kill();
            await c.WaitForExitAsync(cts.Token);
        }
    }

    [TestCase("exit 7", 7, null)]
    [TestCase("exit 0", 0, null)]
    [TestCase("kill -KILL $$", null, Signal.Kill)]
    [TestCase("kill -SEGV $$", null, Signal.Segv)]
    [TestCase("kill -TERM $$", null, Signal.Term)]
    public async Task The_programs_exit_code_or_signal_is_the_containers(string script, int? code, Signal? signal)
    {
        var r = await Run.ToCompletion(Spec(script).WithProcess(p => p.Rlimit(ResourceLimit.Core, 0, 0)));
        Assert.That(r.Exit.ExitCode, Is.EqualTo(code), r.Exit.ToString());
        Assert.That(r.Exit.Signal, Is.EqualTo(signal), r.Exit.ToString());
    }

    [Test]
    public async Task The_program_is_pid_2_under_the_init_and_pid_1_without()
    {
        Assert.That((await Run.ToCompletion(Spec("echo $$"))).Stdout, Is.EqualTo("2\n"));
        Assert.That((await Run.ToCompletion(Spec("echo $$", init: false))).Stdout, Is.EqualTo("1\n"));
    }

    [Test]
    public async Task The_init_holds_one_descriptor_and_is_confined_as_the_program_is_with_no_capability_but_kill()
    {
        using var cts = new CancellationTokenSource(Run.Timeout);
        var (c, line) = await StartedAsync(Spec("echo $$; cat /proc/1/environ >/dev/null 2>&1 || echo environ-denied; exec sleep 1000"), cts.Token);
        await using (c)
        {
            Assert.That(line, Is.EqualTo("2"));
            Assert.That(await c.StandardOutput!.ReadLineAsync(cts.Token), Is.EqualTo("environ-denied"), "the init is not dumpable");
            var init = c.Pid;
            var program = int.Parse(File.ReadAllText($"/proc/{init}/task/{init}/children").Trim());
            var fds = Directory.GetFiles($"/proc/{init}/fd").Select(f => new FileInfo(f).LinkTarget).ToList();
            Assert.That(fds, Has.Count.EqualTo(1).And.All.StartsWith("socket:"), "only its socket to the monitor");
            string[] fields = ["Uid", "Gid", "Groups", "CapBnd", "NoNewPrivs", "Seccomp", "Seccomp_filters"];
            Assert.That(Status(init, fields), Is.EqualTo(Status(program, fields)));
            Assert.That(Status(init, ["Seccomp"]), Is.EqualTo(new[] { "Seccomp:\t2" }));
            // Of the program's capabilities it keeps only CAP_KILL (bit 5), to signal it; nothing inheritable or ambient.
            var kill = Convert.ToUInt64(Status(program, ["CapEff"])[0].Split('\t')[1], 16) & (1UL << 5);
            Assert.That(Status(init, ["CapInh", "CapPrm", "CapEff", "CapAmb"]),
                Is.EqualTo(new[] { "CapInh:\t0000000000000000", $"CapPrm:\t{kill:x16}", $"CapEff:\t{kill:x16}", "CapAmb:\t0000000000000000" }));
            c.Kill();
            await c.WaitForExitAsync(cts.Token);
        }
    }

    private static string[] Status(int pid, string[] fields) =>
        File.ReadAllLines($"/proc/{pid}/status").Where(l => fields.Contains(l.Split(':')[0])).ToArray();
}
