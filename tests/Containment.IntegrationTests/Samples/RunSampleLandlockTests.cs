namespace Containment.IntegrationTests.Samples;

/// <summary>`containment-run --landlock-*`: the sample's Landlock flags confine the command.</summary>
public class RunSampleLandlockTests
{
    [Test]
    public async Task Landlock_flags_allow_the_named_paths_and_close_the_rest()
    {
        Landlock.LandlockTests.RequireLandlock();
        var (code, stdout, stderr) = await RunSampleTests.RunSample("--tmpfs", "/scratch", "--landlock-exec", "/usr", "--landlock-rw", "/scratch", "--landlock-rw", "/dev/null",
            "--landlock-ro", "/etc/passwd", "--", "/bin/sh", "-c",
            "echo a > /scratch/f && cat /scratch/f; cat /etc/passwd >/dev/null && echo passwd-read; cat /etc/group || echo group-denied");
        Assert.That((code, stdout), Is.EqualTo((0, "a\npasswd-read\ngroup-denied\n")), stderr);
        Assert.That(stderr, Does.Contain("/etc/group: Permission denied"));
    }
}
