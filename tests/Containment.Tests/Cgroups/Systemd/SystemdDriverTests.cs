using Containment.Cgroups;
using Containment.Cgroups.Controllers;
using Containment.Cgroups.Devices;
using Containment.Cgroups.Systemd;
using Microsoft.Win32.SafeHandles;
using static Containment.Cgroups.ByteSize;

namespace Containment.Tests.Cgroups.Systemd;

public class SystemdDriverTests
{
    private const string Scope = "machine.slice/libpod-abc.scope";
    private const int Placeholder = 4242;

    private sealed class NoAttacher : IDeviceFilterAttacher
    {
        public IDisposable Attach(SafeFileHandle cgroup, string cgroupPath, IReadOnlyList<BpfInstruction> program, IDisposable? previous) => new MemoryStream();
    }

    private static (FakeCgroupFs Fs, CgroupHierarchy Hierarchy) ScopeFs(params string[] files)
    {
        var fs = new FakeCgroupFs();
        return (fs, fs.V2("memory pids cpu", Scope, ["memory.max", "memory.oom.group", "pids.max", .. files]));
    }

    private static SystemdCgroupDriver Driver(CgroupHierarchy hierarchy, RecordingSystemd systemd) =>
        new(hierarchy, systemd.Connect, Placeholder, new NoAttacher(), rootless: false, logger: null) { CgroupOf = _ => "/" };

    private static CgroupPart Create(SystemdCgroupDriver driver, CgroupSpec spec) =>
        driver.Create(spec, CgroupController.All, "abc", "machine.slice:libpod:abc");

    [Test]
    public void Create_starts_a_delegated_scope_around_the_placeholder_with_the_limits_then_writes_the_files()
    {
        var (fs, hierarchy) = ScopeFs();
        using var _ = fs;
        var systemd = new RecordingSystemd();
        using var part = Create(Driver(hierarchy, systemd), CgroupSpec.Build(c => c.MemoryMax(32 * MiB).PidsMax(16).OomGroup()));

        Assert.That(systemd.Calls, Has.Count.EqualTo(1));
        Assert.That(systemd.Calls[0], Does.StartWith("StartTransientUnit libpod-abc.scope "));
        Assert.That(systemd.Calls[0], Does.Contain(" Slice=machine.slice ").And.Contain(" Delegate=yes ").And.Contain($" PIDs={Placeholder} ")
            .And.Contain($" MemoryMax={32 * MiB}").And.Contain(" TasksMax=16"));
        Assert.That(part.Paths, Is.EqualTo(new[] { Path.Combine(hierarchy.MountPoint, Scope) }));
        Assert.That(fs.Lines($"unified/{Scope}/memory.max"), Is.EqualTo(new[] { (32 * MiB).ToString() }));
        Assert.That(fs.Lines($"unified/{Scope}/memory.oom.group"), Is.EqualTo(new[] { "1" }), "what systemd has no property for goes to the file");
        Assert.That(systemd.Disposed, Is.True, "the connection is closed after the create");
    }

    [Test]
    public void A_leftover_unit_of_the_same_name_is_reset_and_the_start_retried_once_as_runc_does()
    {
        var (fs, hierarchy) = ScopeFs();
        using var _ = fs;
        var systemd = new RecordingSystemd();
        systemd.StartErrors.Enqueue(SystemdBusException.UnitExists);
        using var part = Create(Driver(hierarchy, systemd), CgroupSpec.Empty);
        Assert.That(systemd.Calls.Select(c => c.Split(' ')[0]), Is.EqualTo(new[] { "StartTransientUnit", "ResetFailedUnit", "StartTransientUnit" }));
    }

    [Test]
    public void A_unit_that_still_exists_after_the_retry_fails_the_create_naming_the_unit_and_the_error()
    {
        var (fs, hierarchy) = ScopeFs();
        using var _ = fs;
        var systemd = new RecordingSystemd();
        systemd.StartErrors.Enqueue(SystemdBusException.UnitExists);
        systemd.StartErrors.Enqueue(SystemdBusException.UnitExists);
        var e = Assert.Throws<CgroupException>(() => Create(Driver(hierarchy, systemd), CgroupSpec.Empty))!;
        Assert.That(e.Message, Does.Contain("libpod-abc.scope").And.Contain("machine.slice").And.Contain("UnitExists"));
        Assert.That(systemd.LiveUnits, Is.Empty);
    }

    [Test]
    public void A_start_job_that_does_not_end_done_fails_the_create_and_resets_the_failed_unit()
    {
        var (fs, hierarchy) = ScopeFs();
        using var _ = fs;
        var systemd = new RecordingSystemd { StartResult = "failed" };
        var e = Assert.Throws<CgroupException>(() => Create(Driver(hierarchy, systemd), CgroupSpec.Empty))!;
        Assert.That(e.Message, Does.Contain("'failed'").And.Contain("journalctl -u libpod-abc.scope"));
        Assert.That(systemd.Calls[^1], Is.EqualTo("ResetFailedUnit libpod-abc.scope"));
    }

    [Test]
    public void A_file_write_that_fails_after_the_scope_started_stops_the_unit_so_none_is_left()
    {
        var (fs, hierarchy) = ScopeFs();
        using var _ = fs;
        var systemd = new RecordingSystemd();
        // cpu.max.burst is not in the fake scope: the write fails with ENOENT after systemd started the unit.
        Assert.Throws<CgroupException>(() => Create(Driver(hierarchy, systemd), CgroupSpec.Build(c => c.CpuBurst(1000))));
        Assert.That(systemd.Calls, Has.Some.EqualTo("StopUnit libpod-abc.scope"));
        Assert.That(systemd.LiveUnits, Is.Empty);
    }

    [Test]
    public void Update_sets_the_unit_properties_at_runtime_and_writes_the_files()
    {
        var (fs, hierarchy) = ScopeFs();
        using var _ = fs;
        var systemd = new RecordingSystemd();
        using var part = Create(Driver(hierarchy, systemd), CgroupSpec.Empty);
        part.Apply(CgroupSpec.Build(c => c.PidsMax(128)));
        Assert.That(systemd.Calls[^1], Is.EqualTo("SetUnitProperties libpod-abc.scope TasksMax=128"));
        Assert.That(fs.Lines($"unified/{Scope}/pids.max"), Is.EqualTo(new[] { "128" }));
    }

    [Test]
    public void Destroy_stops_the_unit_and_a_unit_that_is_gone_already_is_fine()
    {
        var (fs, hierarchy) = ScopeFs();
        using var _ = fs;
        var systemd = new RecordingSystemd();
        var part = Create(Driver(hierarchy, systemd), CgroupSpec.Empty);
        part.Destroy();
        Assert.That(systemd.Calls[^2..], Is.EqualTo(new[] { "StopUnit libpod-abc.scope", "ResetFailedUnit libpod-abc.scope" }));
        Assert.That(systemd.LiveUnits, Is.Empty);

        var again = Create(Driver(hierarchy, systemd), CgroupSpec.Empty);
        systemd.StopUnitAsync("libpod-abc.scope", default).Wait(); // the scope emptied and ended by itself
        Assert.DoesNotThrow(again.Destroy);
    }

    [Test]
    public void Releasing_the_placeholder_writes_it_back_to_the_cgroup_it_came_from()
    {
        var (fs, hierarchy) = ScopeFs();
        using var _ = fs;
        File.WriteAllText(Path.Combine(hierarchy.MountPoint, "cgroup.procs"), "");
        var systemd = new RecordingSystemd();
        using var part = (SystemdCgroupPart)Create(Driver(hierarchy, systemd), CgroupSpec.Empty);
        part.ReleasePlaceholder();
        part.ReleasePlaceholder();
        Assert.That(fs.Lines("unified/cgroup.procs"), Is.EqualTo(new[] { Placeholder.ToString() }));
    }
}
