using System.Diagnostics;
using Containment.IntegrationTests.Runtime;
using Containment.IntegrationTests.Support;

namespace Containment.IntegrationTests.Escapes;

/// <summary>
/// A container process in its caller's session and process group could open the caller's terminal (<c>/dev/tty</c>),
/// push keystrokes into the shell that started it (<c>TIOCSTI</c>) and kill every process of the caller's group
/// (<c>kill(0, SIGKILL)</c>). Each test starts a container from a shell whose controlling terminal is a pty of its own
/// (<c>script</c>), beside a sibling <c>sleep</c> in that shell's process group, and runs the probe's <c>session</c>
/// mode in it: its session must be its own, <c>/dev/tty</c> must give ENXIO, TIOCSTI on a terminal it inherited must
/// fail with EPERM, and the sibling must survive its <c>kill(0, SIGKILL)</c>.
/// </summary>
public class SessionTests
{
    private const int ENXIO = 6;
    private const int EPERM = 1;

    private static string TestHost => Path.Combine(AppContext.BaseDirectory, "Containment.TestHost.dll");
    private static string Cli => Path.Combine(AppContext.BaseDirectory, "Containment.Runtime.dll");

    [TestCase("inherit", false, TestName = "A_library_container_inheriting_the_terminal_is_in_a_session_of_its_own")]
    [TestCase("default", false, TestName = "A_library_container_with_the_default_stdio_is_in_a_session_of_its_own")]
    [TestCase("inherit", true, TestName = "A_library_container_with_a_user_namespace_is_in_a_session_of_its_own")]
    public async Task A_library_container_is_in_a_session_of_its_own(string stdio, bool userns)
    {
        using var rootfs = TestRootfs.Create();
        EscapeProbe.InstallInto(rootfs);
        var env = new Dictionary<string, string> { ["CONTAINMENT_TESTHOST_ROOTFS"] = rootfs.Path, ["CONTAINMENT_TESTHOST_STDIO"] = stdio };
        if (userns)
            env["CONTAINMENT_TESTHOST_USERNS"] = "root";
        var outcome = await FromATerminal($"dotnet {TestHost} /bin/escape session /tmp/session.out", "", env, rootfs.Path);
        AssertConfined(outcome, expectTerminalFds: stdio == "inherit");
    }

    [Test]
    public async Task A_process_joined_to_a_running_container_is_in_a_session_of_its_own()
    {
        using var rootfs = TestRootfs.Create();
        EscapeProbe.InstallInto(rootfs);
        var env = new Dictionary<string, string> { ["CONTAINMENT_TESTHOST_ROOTFS"] = rootfs.Path, ["CONTAINMENT_TESTHOST_JOIN"] = "1" };
        var outcome = await FromATerminal($"dotnet {TestHost} /bin/escape session /tmp/session.out", "", env, rootfs.Path);
        AssertConfined(outcome, expectTerminalFds: true);
    }

    [Test]
    public async Task A_detached_CLI_container_is_in_a_session_of_its_own_after_the_CLI_returned()
    {
        using var cli = new RuntimeCli();
        var rootfs = Path.Combine(cli.Bundle, "rootfs");
        EscapeProbe.InstallInto(rootfs);
        // The probe acts a second after it started: the CLI has returned by then, as in the attack.
        cli.WriteConfig(["/bin/escape", "session", "/tmp/session.out", "1000"]);
        var pidFile = Path.Combine(cli.Bundle, "session.pid");
        var run = $"dotnet {Cli} --root {cli.Root} run -d --bundle {cli.Bundle} --pid-file {pidFile} s1";
        var waitForExit = $"n=0; while [ -e /proc/$(cat {pidFile}) ] && [ $n -lt 300 ]; do sleep 0.1; n=$((n+1)); done";
        var outcome = await FromATerminal(run, waitForExit, new Dictionary<string, string>(), rootfs);
        AssertConfined(outcome, expectTerminalFds: true);
    }

    [Test]
    public async Task A_CLI_exec_is_in_a_session_of_its_own()
    {
        using var cli = new RuntimeCli();
        var rootfs = Path.Combine(cli.Bundle, "rootfs");
        EscapeProbe.InstallInto(rootfs);
        cli.WriteConfig(["sleep", "1000"]);
        Assert.That(cli.Run("run", "-d", "--bundle", cli.Bundle, "e1").ExitCode, Is.Zero);
        var exec = $"dotnet {Cli} --root {cli.Root} exec e1 /bin/escape session /tmp/session.out";
        var outcome = await FromATerminal(exec, "", new Dictionary<string, string>(), rootfs);
        AssertConfined(outcome, expectTerminalFds: true);
    }

    private sealed record Outcome(string[] Report, string Sibling, string Transcript);

    /// <summary>
    /// Runs <paramref name="command"/> in <c>sh</c> under <c>script</c> (a new session whose controlling terminal is a new
    /// pty), with a sibling <c>sleep</c> in the shell's process group, then <paramref name="settle"/>; the shell then
    /// records whether the sibling is alive (it cannot if it was killed itself) and ends it. Returns the probe's report
    /// (<c>/tmp/session.out</c> of <paramref name="rootfs"/>).
    /// </summary>
    private static async Task<Outcome> FromATerminal(string command, string settle, Dictionary<string, string> env, string rootfs)
    {
        var dir = Directory.CreateTempSubdirectory("containment-test-session-").FullName;
        try
        {
            var siblingFile = Path.Combine(dir, "sibling");
            var shell = $"sleep 1000 & sib=$!\n{command}\n{settle}\n" +
                        $"if kill -0 $sib 2>/dev/null; then echo alive > {siblingFile}; else echo gone > {siblingFile}; fi\nkill $sib";
            var psi = new ProcessStartInfo("script") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
            foreach (var a in new[] { "-qec", shell, "/dev/null" })
                psi.ArgumentList.Add(a);
            psi.Environment["SHELL"] = "/bin/sh";
            foreach (var (k, v) in env)
                psi.Environment[k] = v;
            using var script = Process.Start(psi)!;
            var transcript = script.StandardOutput.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            try
            {
                await script.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                script.Kill(entireProcessTree: true);
                Assert.Fail("the shell under script did not finish: " + await transcript);
            }
            var report = Path.Combine(rootfs, "tmp/session.out");
            var outcome = new Outcome(
                File.Exists(report) ? File.ReadAllLines(report) : [],
                File.Exists(siblingFile) ? File.ReadAllText(siblingFile).Trim() : "the shell was killed",
                await transcript);
            TestContext.Out.WriteLine($"report:\n{string.Join('\n', outcome.Report)}\nsibling: {outcome.Sibling}\ntranscript:\n{outcome.Transcript}");
            return outcome;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static void AssertConfined(Outcome o, bool expectTerminalFds)
    {
        Assert.That(o.Report, Does.Contain("done"), "the probe did not finish: " + o.Transcript);
        var ids = o.Report[0].Split(' ');
        Assert.Multiple(() =>
        {
            Assert.That(ids[3], Is.EqualTo(ids[1]), "getsid(0) is the process's own pid: a session of its own");
            Assert.That(o.Report, Does.Contain($"devtty errno={ENXIO}"), "/dev/tty is the caller's terminal");
            var tiocsti = o.Report.Where(l => l.StartsWith("tiocsti")).ToList();
            if (expectTerminalFds)
                Assert.That(tiocsti, Is.Not.Empty, "the container inherited no terminal fd to try TIOCSTI on");
            Assert.That(tiocsti, Has.All.EndsWith($"errno={EPERM}"), "TIOCSTI pushed input into the caller's terminal");
            Assert.That(o.Sibling, Is.EqualTo("alive"), "kill(0, SIGKILL) inside reached the caller's process group");
        });
    }
}
