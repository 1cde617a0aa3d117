using System.Diagnostics;
using Containment.Cgroup2Tests.Support;

namespace Containment.Cgroup2Tests;

/// <summary>
/// <c>process.apparmorProfile</c> for real (issue 13 #4): the VM boots Debian's kernel, which enables AppArmor; a test
/// profile loaded with <c>apparmor_parser</c> allows everything but reading one file. A container executed under it is
/// denied that read; the same container without it reads the file. Skipped where the kernel has no AppArmor (this suite
/// counts a skip as a failure in the VM, so there it always runs).
/// </summary>
[TestFixture, NonParallelizable]
public class AppArmorTests
{
    private const string Profile = "containment-test-deny-one";
    private const string Folder = "/var/lib/containment-apparmor-test";
    private const string Secret = Folder + "/secret";

    [OneTimeSetUp]
    public void LoadProfile()
    {
        if (Environment.UserName != "root") Assert.Ignore("needs root");
        if (!File.Exists("/sys/module/apparmor/parameters/enabled") || File.ReadAllText("/sys/module/apparmor/parameters/enabled").Trim() != "Y")
            Assert.Ignore("the kernel has no AppArmor enabled (/sys/module/apparmor/parameters/enabled); tests/cgroup2-vm/run.sh boots one that has");
        if (!File.Exists("/sys/kernel/security/apparmor/profiles"))
            Assert.Ignore("securityfs is not mounted at /sys/kernel/security: apparmor_parser cannot load a profile");
        Directory.CreateDirectory(Folder);
        File.WriteAllText(Secret, "the-secret\n");
        // Everything a shell needs, but reading the one file (matched wherever the container's root puts it).
        Parser("-r", $$"""
            profile {{Profile}} flags=(attach_disconnected,mediate_deleted) {
              file,
              capability,
              network,
              signal,
              unix,
              ptrace,
              mount,
              umount,
              pivot_root,
              deny /**/containment-apparmor-test/secret r,
            }
            """);
    }

    [OneTimeTearDown]
    public void UnloadProfile()
    {
        if (File.Exists("/sys/kernel/security/apparmor/profiles") && File.ReadAllText("/sys/kernel/security/apparmor/profiles").Contains(Profile))
            Parser("-R", $"profile {Profile} {{\n}}\n");
        if (Directory.Exists(Folder))
            Directory.Delete(Folder, recursive: true);
    }

    [Test]
    public async Task Under_a_profile_denying_a_file_reading_it_is_EACCES_and_the_process_runs_confined()
    {
        var spec = ContainerSpec.HostReadOnly()
            .WithProcess(p => p.Args("/bin/sh", "-c", $"cat /proc/self/attr/current; cat {Secret} || echo denied").AppArmorProfile(Profile));

        var (exit, stdout, stderr) = await Container.RunToCompletion(spec);

        Assert.That(exit.ExitCode, Is.Zero, stderr);
        Assert.That(stdout, Is.EqualTo($"{Profile} (enforce)\ndenied\n"));
        Assert.That(stderr, Does.Contain("Permission denied"), "EACCES, from the profile's deny rule");
    }

    [Test]
    public async Task Without_the_profile_the_same_container_reads_the_file()
    {
        var spec = ContainerSpec.HostReadOnly().WithProcess(p => p.Args("/bin/sh", "-c", $"cat {Secret}"));

        var (exit, stdout, stderr) = await Container.RunToCompletion(spec);

        Assert.That(exit.ExitCode, Is.Zero, stderr);
        Assert.That(stdout, Is.EqualTo("the-secret\n"));
    }

    /// <summary>Runs apparmor_parser with the profile on its stdin, without the cache (the guest's /etc is the host's).</summary>
    private static void Parser(string action, string profile)
    {
        var psi = new ProcessStartInfo("apparmor_parser", [action, "--skip-cache"])
        {
            RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = true,
        };
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardInput.Write(profile);
        p.StandardInput.Close();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.That(p.ExitCode, Is.Zero, $"apparmor_parser {action}: {stderr.Result}");
    }
}
