using System.Text.Json.Nodes;
using Containment.IntegrationTests.Runtime;

namespace Containment.IntegrationTests.Seccomp;

/// <summary>
/// The filter loaded last through the CLI: an OCI config whose profile allows only the program's calls and execve runs
/// with <c>run</c>, and with <c>create</c>/<c>start</c> (the ready report and the start FIFO come before the filter).
/// </summary>
public class FilterLoadedLastCliTests
{
    private RuntimeCli _cli = null!;

    [SetUp]
    public void SetUp()
    {
        _cli = new RuntimeCli();
        File.Copy(FilterLoadedLastTests.ProbePath, Path.Combine(_cli.Bundle, "rootfs/probe"));
    }

    [TearDown]
    public void TearDown() => _cli.Dispose();

    private static readonly string MinimalProfile = """
        {
          "defaultAction": "SCMP_ACT_ERRNO",
          "architectures": ["SCMP_ARCH_X86_64"],
          "syscalls": [{ "names": ["execve", "write", "exit_group"], "action": "SCMP_ACT_ALLOW" }]
        }
        """;

    private void WriteConfig(string[] args, string profile, Action<JsonObject>? change = null) =>
        _cli.WriteConfig(args, c =>
        {
            c["linux"]!["seccomp"] = JsonNode.Parse(profile);
            change?.Invoke(c);
        });

    [TestCase(false)]
    [TestCase(true)]
    public void Run_starts_a_program_under_a_profile_of_its_own_calls(bool noNewPrivileges)
    {
        WriteConfig(["/probe"], MinimalProfile, c => c["process"]!["noNewPrivileges"] = noNewPrivileges);
        var r = _cli.Run("run", "--bundle", _cli.Bundle, "s1");
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        Assert.That(r.Stdout, Is.EqualTo("ran\n"));
    }

    [Test]
    public void Create_and_start_run_it_too()
    {
        WriteConfig(["/probe"], MinimalProfile);
        Assert.That(_cli.Run("create", "--bundle", _cli.Bundle, "s2").ExitCode, Is.Zero);
        Assert.That(_cli.Run("start", "s2").ExitCode, Is.Zero);
        // The container inherited the create's stdout file, which start (a command of its own) truncated before it ran.
        var stdout = Path.Combine(_cli.Bundle, "cli.stdout");
        for (var i = 0; i < 500 && File.ReadAllText(stdout) != "ran\n"; i++)
            Thread.Sleep(10);
        Assert.That(File.ReadAllText(stdout), Is.EqualTo("ran\n"));
        for (var i = 0; i < 500 && _cli.Status("s2") != "stopped"; i++)
            Thread.Sleep(10);
        Assert.That(_cli.Status("s2"), Is.EqualTo("stopped"));
    }

    [Test]
    public void An_old_default_profile_runs_a_busybox_shell()
    {
        WriteConfig(["/bin/sh", "-c", "echo piped | cat; ls / >/dev/null && echo listed"], OldDockerProfile.Json);
        var r = _cli.Run("run", "--bundle", _cli.Bundle, "s3");
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        Assert.That(r.Stdout, Is.EqualTo("piped\nlisted\n"));
    }
}
