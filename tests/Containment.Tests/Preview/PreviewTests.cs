using Containment.Preview;

namespace Containment.Tests.Preview;

/// <summary>A launch's preview: the real plan in words, who performs each step, and nothing created.</summary>
public class PreviewTests
{
    private static readonly ContainerSpec Spec = ContainerSpec.FromRootfs(TestContext.CurrentContext.WorkDirectory).WithProcess(p => p.Args("/bin/sh", "-c", "true"));

    private static List<string> Lines(ContainerSpec spec) => ContainerProcess.Preview(spec).Select(s => s.ToString()).ToList();

    [Test]
    public void Mount_flags_are_named_and_an_unknown_bit_is_shown_in_hex()
    {
        Assert.That(FlagNames.MountFlags(2 | 4 | 8), Is.EqualTo("MS_NOSUID|MS_NODEV|MS_NOEXEC"));
        Assert.That(FlagNames.MountFlags(1UL << 40), Is.EqualTo("0x10000000000"));
        Assert.That(FlagNames.CloneFlags(0), Is.EqualTo("0"));
        Assert.That(FlagNames.MountAttrs(0x100001), Is.EqualTo("MOUNT_ATTR_RDONLY|MOUNT_ATTR_IDMAP"));
    }

    [Test]
    public void The_monitor_clones_and_the_child_mounts_and_execs()
    {
        var steps = ContainerProcess.Preview(Spec);
        var clone = steps.Single(s => s.Syscall == "clone3");
        Assert.That(clone.Performer, Is.EqualTo(PreviewPerformer.Monitor));
        Assert.That(clone.Arguments, Does.Contain("CLONE_NEWNS").And.Contain("CLONE_NEWPID"));
        Assert.That(steps.Where(s => s.Syscall == "mount"), Has.All.Property(nameof(PreviewStep.Performer)).EqualTo(PreviewPerformer.Child));
        Assert.That(steps[^1], Is.EqualTo(new PreviewStep(PreviewPerformer.Child, "execve", "/bin/sh, argv [/bin/sh, -c, true], " +
            $"{Spec.Process.Env.Length} env")));
    }

    [Test]
    public void Proc_is_mounted_with_its_flags_by_name() =>
        Assert.That(Lines(Spec), Has.Some.Matches<string>(l => l.StartsWith("child   mount(proc on /proc type proc", StringComparison.Ordinal) &&
            l.Contains("MOUNT_ATTR_NOSUID|MOUNT_ATTR_NODEV|MOUNT_ATTR_NOEXEC")));

    [Test]
    public void The_seccomp_step_summarises_the_profile()
    {
        var seccomp = ContainerProcess.Preview(Spec).Single(s => s.Syscall == "seccomp");
        Assert.That(seccomp.Arguments, Does.StartWith($"{Spec.Seccomp!.Syscalls.Count} rules, default Errno(EPERM); filter of "));
    }

    [Test]
    public void Landlock_rules_are_listed_with_their_access()
    {
        var steps = ContainerProcess.Preview(Spec.WithLandlock(l => l.ReadOnly("/usr").WithBestEffort()));
        Assert.That(steps.Where(s => s.Syscall == "landlock_add_rule").Select(s => s.Arguments),
            Has.Some.Matches<string>(a => a.StartsWith("/usr: ", StringComparison.Ordinal) && a.Contains("READ_FILE") && !a.Contains("WRITE_FILE")));
    }

    [Test]
    public void The_monitor_writes_the_id_maps_it_shows()
    {
        var steps = ContainerProcess.Preview(Spec.WithUserNamespace(u => u.MapUser(0, 100000, 65536).MapGroup(0, 100000, 65536)));
        Assert.That(steps, Has.Some.EqualTo(new PreviewStep(PreviewPerformer.Monitor, "write", "/proc/<pid>/uid_map = 0 100000 65536")));
        Assert.That(steps.Single(s => s.Syscall == "clone3").Arguments, Does.Contain("CLONE_NEWUSER"));
    }

    [Test]
    public void A_cgroup_is_previewed_by_the_host_and_not_created()
    {
        var id = "preview-" + Guid.NewGuid().ToString("N")[..8];
        var steps = ContainerProcess.Preview(Spec.WithCgroup(c => c.MemoryMax(64 * Containment.Cgroups.ByteSize.MiB)).WithCgroupsPath("/" + id),
            new ContainerStartOptions { Id = id });
        var mkdirs = steps.Where(s => s.Syscall == "mkdir").ToList();
        Assert.That(mkdirs, Is.Not.Empty.And.All.Property(nameof(PreviewStep.Performer)).EqualTo(PreviewPerformer.Host));
        Assert.That(steps, Has.Some.Matches<PreviewStep>(s => s.Performer == PreviewPerformer.Host && s.Arguments.Contains($"= {64 << 20}")));
        Assert.That(mkdirs.Select(s => s.Arguments), Has.None.Matches<string>(Directory.Exists));
    }

    [Test]
    public void A_preview_refuses_what_a_start_refuses_for_its_options()
    {
        // Checked only at start before the preparation was shared: a preview listed steps a start would never take.
        var detached = new ContainerStartOptions { Detached = true, Id = "bad/id" };
        var e = Assert.Throws<ContainerSpecException>(() => ContainerProcess.Preview(Spec.WithProcess(p => p.StandardOutput(Stdio.Pipe)), detached));
        Assert.That(e!.Errors.Select(x => x.Field), Does.Contain("id").And.Contain("process.stdout"));
    }
}
