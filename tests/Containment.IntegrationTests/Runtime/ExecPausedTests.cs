namespace Containment.IntegrationTests.Runtime;

/// <summary>Issue 13 item 6 through the CLI: <c>exec</c> into a paused container is refused at once.</summary>
public class ExecPausedTests
{
    private RuntimeCli _cli = null!;

    [SetUp]
    public void SetUp() => _cli = new RuntimeCli();

    [TearDown]
    public void TearDown() => _cli.Dispose();

    [Test]
    public void Exec_into_a_paused_container_fails_at_once_and_works_again_after_resume()
    {
        _cli.WriteConfig(["sleep", "60"]);
        Assert.That(_cli.Run("run", "--detach", "--bundle", _cli.Bundle, "ep1").ExitCode, Is.Zero);
        Assert.That(_cli.Run("pause", "ep1").ExitCode, Is.Zero);
        var refused = _cli.Run("exec", "ep1", "true");
        Assert.That(refused.ExitCode, Is.Not.Zero);
        Assert.That(refused.Stderr, Does.Contain("paused"));
        Assert.That(_cli.Run("resume", "ep1").ExitCode, Is.Zero);
        Assert.That(_cli.Run("exec", "ep1", "true").ExitCode, Is.Zero);
        Assert.That(_cli.Run("kill", "ep1", "KILL").ExitCode, Is.Zero);
    }

    [Test]
    public void Exec_runs_under_the_containers_seccomp_profile_not_the_default()
    {
        // A config without linux.seccomp is unconfined; the exec'd process must be too (OCI exec semantics).
        _cli.WriteConfig(["sleep", "60"], config => config["linux"]!.AsObject().Remove("seccomp"));
        Assert.That(_cli.Run("run", "--detach", "--bundle", _cli.Bundle, "ep2").ExitCode, Is.Zero);
        var exec = _cli.Run("exec", "ep2", "grep", "Seccomp:", "/proc/self/status");
        Assert.That(exec.Stdout, Does.Match(@"Seccomp:\s+0"));
        Assert.That(_cli.Run("kill", "ep2", "KILL").ExitCode, Is.Zero);
    }
}
