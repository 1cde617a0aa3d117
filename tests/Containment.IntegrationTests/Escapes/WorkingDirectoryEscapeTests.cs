using Containment.IntegrationTests.Support;

namespace Containment.IntegrationTests.Escapes;

/// <summary>CVE-2024-21626 class: a working directory that names a descriptor the runtime still holds.</summary>
public class WorkingDirectoryEscapeTests
{
    [Test]
    public async Task A_cwd_through_proc_self_fd_never_lands_outside_the_root()
    {
        using var rootfs = TestRootfs.Create();
        var escaped = new List<string>();
        var outcomes = new List<string>();
        var data = Directory.CreateTempSubdirectory("containment-escape-").FullName;
        // The executor keeps what it received (root, bind trees, cgroup files) low or moved above 255.
        foreach (var fd in Enumerable.Range(3, 40).Concat(Enumerable.Range(250, 60)))
        {
            var spec = ContainerSpec.FromRootfs(rootfs.Path).WithCgroup(c => c.PidsMax(16)).WithMounts(m => m.Bind(data, "/data"))
                .WithProcess(p => p.Args("/bin/sh", "-c", "pwd -P").WorkingDirectory($"/proc/self/fd/{fd}"));
            try
            {
                var r = await Run.ToCompletion(spec);
                var cwd = r.Stdout.Trim();
                outcomes.Add($"{fd}:{r.Exit.ExitCode}:{cwd}");
                if (r.Exit.ExitCode == 0 && (cwd.Contains("unreachable") || !cwd.StartsWith('/')))
                    escaped.Add($"fd {fd}: {cwd}");
            }
            catch (ContainerStartException e)
            {
                outcomes.Add($"{fd}:refused {e.Errno}");
                // Refused: the descriptor is not there, or is not a directory inside the root.
            }
        }
        Directory.Delete(data);
        TestContext.Out.WriteLine(string.Join("\n", outcomes));
        Assert.That(escaped, Is.Empty, "a process started with its working directory outside the container's root");
    }
}
