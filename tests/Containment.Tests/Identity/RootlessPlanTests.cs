using Containment.Capabilities;
using Containment.Identity;
using Containment.Launch;
using Containment.Mounts;
using Microsoft.Extensions.Logging.Abstractions;

namespace Containment.Tests.Identity;

/// <summary>Issue 22, without root: where the lock stands in a plan, checked bind sources, limits that fail closed.</summary>
public class RootlessPlanTests
{
    private static readonly ContainerSpec Mapped = ContainerSpec.FromRootfs("/srv/rootfs").WithProcess(p => p.Args("sh"))
        .WithUserNamespace(u => u.MapUser(0, 100000, 65536).MapGroup(0, 100000, 65536).MapGroup(65536, 300000, 10))
        .WithCapabilities(c => c.Add(Capability.SysAdmin)).WithReadOnlyRootfs();

    private static List<string> Steps(ContainerSpec spec, LaunchInputs inputs) =>
        PlanCompiler.Compile(spec, inputs, () => [new("usr", Containment.Mounts.HostRootEntryKind.Directory)]).Steps.Select(s => s.ToString()).ToList();

    [Test]
    public void The_mounts_are_locked_after_the_last_mount_and_before_the_capabilities_are_reduced()
    {
        var steps = Steps(Mapped, new LaunchInputs { LockMounts = true });
        var locked = steps.IndexOf("unshare(user and mount namespace (locks the mounts))");
        Assert.That(locked, Is.GreaterThan(0), string.Join("\n", steps));
        Assert.That(locked, Is.GreaterThan(steps.FindLastIndex(s => s.StartsWith("mount") || s.StartsWith("bind"))), "after every mount, the read-only root too");
        Assert.That(locked, Is.GreaterThan(steps.FindIndex(s => s.StartsWith("pivot_root"))));
        Assert.That(locked, Is.LessThan(steps.FindIndex(s => s.StartsWith("prctl(PR_CAPBSET") || s.StartsWith("capbset") || s.Contains("bounding"))));
        Assert.That(locked, Is.LessThan(steps.IndexOf("prctl(PR_SET_DUMPABLE)")), "the plan makes the process non-dumpable again after it");
        Assert.That(Steps(Mapped, new LaunchInputs()), Has.None.Contains("locks the mounts"));
    }

    [Test]
    public void The_nested_user_namespace_maps_every_container_id_to_itself()
    {
        var plan = new LaunchPlan();
        IdentityPlanner.LockMounts(plan, Mapped);
        var bytes = plan.Encode();
        var text = System.Text.Encoding.ASCII.GetString(bytes);
        Assert.That(text, Does.Contain("0 0 65536\n\0"), "uid map");
        Assert.That(text, Does.Contain("0 0 65536\n65536 65536 10\n\0"), "gid map");
    }

    [Test]
    public void A_bind_source_with_a_symlink_on_its_way_is_refused_unless_asked_for()
    {
        var dir = Directory.CreateTempSubdirectory("rootless-plan-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "real"));
            File.CreateSymbolicLink(Path.Combine(dir, "link"), Path.Combine(dir, "real"));
            var refused = HostPath.Open(Path.Combine(dir, "link"), allowSymlinks: false, out var error);
            Assert.That(refused, Is.Null);
            Assert.That(error, Does.Contain($"'{dir}/link' is reached through a symlink"));
            var followed = HostPath.Open(Path.Combine(dir, "link"), allowSymlinks: true, out error);
            Assert.That(error, Is.Null);
            Assert.That(followed!.Value.Path, Is.EqualTo(Path.Combine(dir, "real")), "resolved once, by the host");
            Assert.That(followed.Value.IsDirectory, Is.True);
            var real = HostPath.Open(Path.Combine(dir, "real"), allowSymlinks: false, out _);
            Assert.That((real!.Value.Device, real.Value.Inode), Is.EqualTo((followed.Value.Device, followed.Value.Inode)));
            Assert.That(MountOptions.Parse(["rbind", "src-symlinks"]).SourceSymlinks, Is.True);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public void By_path_binds_and_the_rootfs_are_opened_by_the_child_from_the_recorded_path()
    {
        var dir = Directory.CreateTempSubdirectory("rootless-plan-").FullName;
        try
        {
            var spec = ContainerSpec.FromRootfs(dir).WithProcess(p => p.Args("sh")).WithUserNamespace(u => u.MapUser(0, 100000, 65536).MapGroup(0, 100000, 65536))
                .WithMounts(m => m.Bind(dir, "/data", readOnly: true));
            using var sources = MountSources.Open(spec, byPath: true);
            var steps = Steps(spec, new LaunchInputs { MountSources = sources });
            Assert.That(steps, Does.Contain($"bind(rootfs {dir})"), string.Join("\n", steps));
            Assert.That(steps, Does.Contain($"bind(bind {dir} on /data)"));
            Assert.That(steps, Does.Contain("bind(bind host /dev/null)"), "devices too");
            var opened = steps.FindIndex(s => s == $"open_tree(bind source {dir} (no symlink, the inode the host checked))");
            Assert.That(opened, Is.GreaterThan(steps.IndexOf("recv(release)")), "first thing after release");
            Assert.That(opened, Is.LessThan(steps.IndexOf("setresuid(0)")), "with the caller's own access, before the ids change");
            Assert.That(steps, Has.None.StartsWith("mount(bind"), "no host path is mounted by name");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public void Without_a_cgroup_limits_fail_closed_and_pids_becomes_RLIMIT_NPROC()
    {
        var spec = Mapped.WithCgroup(c => c.MemoryMax(16 << 20).PidsMax(5));
        var e = Assert.Throws<ContainerSpecException>(() => RootlessLimits.WithoutCgroup(spec, allowUnenforced: false, "EACCES", NullLogger.Instance));
        Assert.That(e!.Errors.Single().Field, Is.EqualTo("cgroup"));
        Assert.That(e.Errors.Single().Message, Does.StartWith("the limits memory cannot be enforced"));

        var allowed = RootlessLimits.WithoutCgroup(spec, allowUnenforced: true, "EACCES", NullLogger.Instance);
        Assert.That(allowed.Process.Rlimits.Single(), Is.EqualTo(new Rlimit(ResourceLimit.Nproc, 5, 5)));

        var pidsOnly = RootlessLimits.WithoutCgroup(Mapped.WithCgroup(c => c.PidsMax(5)), allowUnenforced: false, "EACCES", NullLogger.Instance);
        Assert.That(pidsOnly.Process.Rlimits.Single(), Is.EqualTo(new Rlimit(ResourceLimit.Nproc, 5, 5)), "pids alone starts");

        var own = Mapped.WithCgroup(c => c.PidsMax(5)).WithProcess(p => p.Rlimit(ResourceLimit.Nproc, 9, 9));
        Assert.Throws<ContainerSpecException>(() => RootlessLimits.WithoutCgroup(own, allowUnenforced: false, "EACCES", NullLogger.Instance),
            "the spec's own RLIMIT_NPROC is kept, so pids is not enforced");
        Assert.That(RootlessLimits.Requested(Containment.Cgroups.CgroupSpec.Empty), Is.Empty, "a cgroup without limits asks for nothing");
    }
}
