using Containment.Cgroup2Tests.Support;

namespace Containment.Cgroup2Tests;

/// <summary>
/// CVE-2024-21626 class on pure v2, where the executor holds the container's cgroup directory (for
/// CLONE_INTO_CGROUP): a working directory of /proc/self/fd/N must never leave the process in a host directory.
/// </summary>
[TestFixture, NonParallelizable]
public class CwdEscapeTests
{
    [OneTimeSetUp]
    public void RequirePureCgroup2() => PureCgroup2.Require();

    [Test]
    public async Task A_cwd_naming_a_held_descriptor_never_starts_outside_the_root()
    {
        var escaped = new List<string>();
        var started = 0;
        foreach (var fd in Enumerable.Range(3, 20).Concat(Enumerable.Range(250, 30)))
        {
            var spec = Container.Shell("pwd -P", c => c.PidsMax(16)).WithProcess(p => p.Args("/bin/sh", "-c", "pwd -P").WorkingDirectory($"/proc/self/fd/{fd}"));
            try
            {
                var (exit, stdout, _) = await Container.RunToCompletion(spec);
                started++;
                if (exit.ExitCode == 0 && !stdout.Trim().StartsWith('/') || stdout.Contains("unreachable"))
                    escaped.Add($"fd {fd}: {stdout.Trim()}");
            }
            catch (ContainerStartException)
            {
            }
        }
        Assert.That(escaped, Is.Empty);
        Assert.That(started, Is.GreaterThan(0), "some descriptor numbers are directories the start may use (the root)");
    }
}
